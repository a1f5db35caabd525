import { internalKeys } from '@slotkeeper/auth';
import { listenUntilSignal, readConfig, serviceConfig, serviceUpstreams } from '@slotkeeper/http-kit';
import { busConfig, busFromConfig } from '@slotkeeper/messaging';
import { createLogger } from '@slotkeeper/observability';
import { CalendarServiceClient, UserServiceClient } from '@slotkeeper/service-clients';
import { z } from 'zod';
import { HttpOwnerDirectory } from './adapters/http/owner-directory.js';
import { LogNotifier } from './adapters/log-notifier.js';
import { SmtpNotifier } from './adapters/smtp/smtp-notifier.js';
import { buildNotificationApp } from './app.js';
import { notificationConfig } from './config.js';

const config = readConfig(
  serviceConfig
    .extend(busConfig.shape)
    .extend(notificationConfig.shape)
    .extend({ USER_SERVICE_URL: z.url(), CALENDAR_SERVICE_URL: z.url() }),
);
const logger = createLogger({ service: 'notification' });
const keys = internalKeys(config.INTERNAL_AUTH_SECRET);
// Calendar owners are read as the notification service, which the other services trust as such.
const signed = serviceUpstreams(keys.identity, 'notification');
const { bus, queue } = await busFromConfig(config, logger);
// Without SMTP_URL, notifications are logged instead of sent.
const notifier = config.SMTP_URL ? new SmtpNotifier(config.SMTP_URL, config.MAIL_FROM) : new LogNotifier();
const app = await buildNotificationApp({
  bus,
  notifier,
  owners: new HttpOwnerDirectory({
    calendars: new CalendarServiceClient(signed(config.CALENDAR_SERVICE_URL)),
    users: new UserServiceClient(signed(config.USER_SERVICE_URL)),
  }),
  publicBaseUrl: config.PUBLIC_BASE_URL,
  cancelTokenKey: keys.cancelTokens,
  logger,
  queue: queue('notification'),
  health: async () => bus.isConnected?.() ?? true,
});
await listenUntilSignal(app, config, async () => {
  await bus.close();
  if (notifier instanceof SmtpNotifier) notifier.close();
});
