import { listenConfig, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { busConfig, busFromConfig } from '@slotkeeper/messaging';
import { createLogger } from '@slotkeeper/observability';
import { z } from 'zod';
import { SmtpNotifier } from './adapters/smtp/smtp-notifier.js';
import { buildNotificationApp } from './app.js';
import { LogNotifier } from './log-notifier.js';

const config = readConfig(
  listenConfig.extend(busConfig.shape).extend({
    SMTP_URL: z.url().optional(),
    MAIL_FROM: z.string().min(3).default('Slotkeeper <no-reply@slotkeeper.local>'),
  }),
);
const logger = createLogger({ service: 'notification' });
const { bus, queue } = await busFromConfig(config, logger);
// Without SMTP_URL, notifications are logged instead of sent.
const notifier = config.SMTP_URL ? new SmtpNotifier(config.SMTP_URL, config.MAIL_FROM) : new LogNotifier(logger);
const app = await buildNotificationApp({
  bus,
  notifier,
  logger,
  queue: queue('notification'),
  health: async () => bus.isConnected?.() ?? true,
});
await listenUntilSignal(app, config, async () => {
  await bus.close();
  if (notifier instanceof SmtpNotifier) notifier.close();
});
