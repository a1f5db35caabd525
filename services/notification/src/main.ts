import { listenConfig, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { busConfig, busFromConfig } from '@slotkeeper/messaging';
import { createLogger } from '@slotkeeper/observability';
import { buildNotificationApp } from './app.js';
import { LogNotifier } from './log-notifier.js';

const config = readConfig(listenConfig.extend(busConfig.shape));
const logger = createLogger({ service: 'notification' });
const { bus, queue } = await busFromConfig(config, logger);
const app = await buildNotificationApp({
  bus,
  notifier: new LogNotifier(logger),
  logger,
  queue: queue('notification'),
  health: async () => bus.isConnected?.() ?? true,
});
await listenUntilSignal(app, config, () => bus.close());
