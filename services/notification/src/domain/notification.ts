import type { EventResponse } from '@slotkeeper/contracts';

export interface Notification {
  to: string[];
  subject: string;
  text: string;
  kind: 'booked' | 'canceled';
  /** The event as the message carried it, instants in UTC. */
  event: EventResponse;
}

/** Where notifications go: SMTP in production (issue 4), a log line in the embedded mode. */
export interface Notifier {
  send(notification: Notification): Promise<void>;
}

/** One notification to the booker and every guest, each address once. */
export function notificationFor(kind: Notification['kind'], event: EventResponse): Notification {
  const verb = kind === 'booked' ? 'Booked' : 'Canceled';
  return {
    to: [...new Set([event.booked_by, ...event.guests])],
    subject: `${verb}: ${event.title}`,
    text: `${verb}: "${event.title}" from ${event.start_time} to ${event.end_time} (UTC).`,
    kind,
    event,
  };
}
