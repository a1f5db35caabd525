export { buildNotificationApp, type NotificationAppDeps } from './app.js';
export { LogNotifier } from './log-notifier.js';
export { SmtpNotifier } from './adapters/smtp/smtp-notifier.js';
export type { Notification, Notifier } from './domain/notification.js';
