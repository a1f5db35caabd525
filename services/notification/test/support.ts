import { createLogger, type Logger } from '@slotkeeper/observability';
import type { CalendarEvent } from '@slotkeeper/contracts';
import { sampleCalendarEvent } from '@slotkeeper/testing';
import type { Notification, Owner } from '../src/domain/notification.js';
import type { Notifier, NotifyLog, OwnerDirectory } from '../src/domain/ports.js';

export const alice: Owner = { name: 'Alice Owner', email: 'alice@example.com', timezone: 'Europe/Berlin' };

/** The event of `sampleEvent` (what the tests' EventBooked messages carry), as the domain reads it. */
export const introCall: CalendarEvent = sampleCalendarEvent;

/** Keeps what it is asked to send. */
export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async send(notification: Notification, _log: NotifyLog): Promise<void> {
    this.sent.push(notification);
  }
}

/** Answers every calendar with one owner, after failing as often as told. */
export class ScriptedOwners implements OwnerDirectory {
  readonly asked: Array<{ calendarId: string; requestId: string | undefined }> = [];
  constructor(
    private readonly owner: Owner | null,
    private failures = 0,
  ) {}
  async ownerOf(calendarId: string, context: { requestId?: string | undefined }): Promise<Owner | null> {
    this.asked.push({ calendarId, requestId: context.requestId });
    if (this.failures-- > 0) throw new Error('the calendar service answered 503');
    return this.owner;
  }
}

/** A logger whose lines the test reads back. */
export function capturedLogger(service = 'notification'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { logger: createLogger({ service, level: 'info', destination }), lines };
}
