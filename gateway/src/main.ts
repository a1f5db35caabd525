import { listenConfig, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { createLogger } from '@slotkeeper/observability';
import { buildEmbeddedSystem } from './embedded.js';

const config = readConfig(listenConfig);
const logger = createLogger({ service: 'gateway' });
const { gateway } = await buildEmbeddedSystem({ logger });
const address = await listenUntilSignal(gateway, config);
console.log(`Slotkeeper (embedded: in-memory stores, in-process bus) listening on ${address}`);
console.log(`API reference: ${address}/docs`);
