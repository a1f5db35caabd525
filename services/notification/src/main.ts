import { listenConfig, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { InProcessBus } from '@slotkeeper/messaging';
import { createLogger } from '@slotkeeper/observability';
import { buildNotificationApp } from './app.js';
import { LogNotifier } from './log-notifier.js';

const config = readConfig(listenConfig);
const logger = createLogger({ service: 'notification' });
// The in-process bus keeps messages inside this process; the amqplib bus (issue 4) replaces it.
const bus = new InProcessBus({ logger });
const app = await buildNotificationApp({ bus, notifier: new LogNotifier(logger), logger });
await listenUntilSignal(app, config, () => bus.close());
