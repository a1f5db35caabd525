import type { Notification } from '../domain/notification.js';
import type { Notifier, NotifyLog } from '../domain/ports.js';

/**
 * Logs each notification instead of sending it (no SMTP_URL), on the handling's own logger: what
 * it is and to whom, never its text (the booker's holds their cancel token) and only the booking's
 * page, which carries none.
 */
export class LogNotifier implements Notifier {
  async send(notification: Notification, log: NotifyLog): Promise<void> {
    const { kind, audience, to, subject, version, sequence, url } = notification;
    log.info(
      { notification: { kind, audience, to, subject, version, sequence, url, eventId: notification.event.id } },
      `would notify ${to.join(', ')}: ${subject} (event ${notification.event.id})`,
    );
  }
}
