export { buildNotificationApp, type NotificationAppDeps } from './app.js';
export { LogNotifier } from './adapters/log-notifier.js';
export { SmtpNotifier } from './adapters/smtp/smtp-notifier.js';
export { HttpOwnerDirectory, type OwnerDirectoryOptions } from './adapters/http/owner-directory.js';
export { notificationConfig } from './config.js';
export type { Notification, Owner } from './domain/notification.js';
export type { Notifier, NotifyLog, OwnerDirectory } from './domain/ports.js';
