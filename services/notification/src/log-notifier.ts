import type { Logger } from '@slotkeeper/observability';
import type { Notification, Notifier } from './domain/notification.js';

/** Logs each notification instead of sending it (no SMTP_URL). */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async send(notification: Notification): Promise<void> {
    const { kind, to, subject } = notification;
    this.logger.info(
      { notification: { kind, to, subject, eventId: notification.event.id } },
      `would notify ${to.join(', ')}: ${subject} (event ${notification.event.id})`,
    );
  }
}
