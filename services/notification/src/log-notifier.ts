import type { Logger } from '@slotkeeper/observability';
import type { Notification, Notifier } from './domain/notification.js';

/** Logs each notification instead of sending it (no SMTP_URL). */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async send(notification: Notification): Promise<void> {
    this.logger.info({ notification }, `would notify ${notification.to.join(', ')}: ${notification.subject}`);
  }
}
