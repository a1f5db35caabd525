import { httpUpstream, listenConfig, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { createLogger } from '@slotkeeper/observability';
import { z } from 'zod';
import { buildEmbeddedSystem } from './embedded.js';
import { buildGateway } from './gateway-app.js';

const config = readConfig(
  listenConfig.extend({
    USER_SERVICE_URL: z.url().optional(),
    SCHEDULE_SERVICE_URL: z.url().optional(),
    CALENDAR_SERVICE_URL: z.url().optional(),
    BOOKING_SERVICE_URL: z.url().optional(),
  }),
);
const logger = createLogger({ service: 'gateway' });
const urls = [
  config.USER_SERVICE_URL,
  config.SCHEDULE_SERVICE_URL,
  config.CALENDAR_SERVICE_URL,
  config.BOOKING_SERVICE_URL,
];

let gateway;
if (urls.every((url) => url === undefined)) {
  gateway = (await buildEmbeddedSystem({ logger })).gateway;
} else if (urls.every((url): url is string => url !== undefined)) {
  const [user, schedule, calendar, booking] = urls.map((url) => httpUpstream(url));
  gateway = await buildGateway({
    logger,
    upstreams: { user: user!, schedule: schedule!, calendar: calendar!, booking: booking! },
  });
} else {
  console.error('configuration: set all of USER_, SCHEDULE_, CALENDAR_ and BOOKING_SERVICE_URL, or none (embedded)');
  process.exit(1);
}
const address = await listenUntilSignal(gateway, config);
const mode = urls[0] ? 'gateway to separate services' : 'embedded: in-memory stores, in-process bus';
console.log(`Slotkeeper (${mode}) listening on ${address}`);
console.log(`API reference: ${address}/docs`);
