import { cpus } from 'node:os';
import { benchAvailability, benchBusy } from './availability.js';
import { benchBooking } from './booking.js';
import { benchBroker } from './broker.js';
import { benchHistory } from './history.js';
import { benchPages } from './pages.js';
import type { Rows } from './timed-client.js';
import { benchWebhooks } from './webhooks.js';
import { damonMonitors } from './host.js';

/** A suite gives one table, or several under their titles. */
const suites: Record<string, () => Promise<Rows | Record<string, Rows>>> = {
  availability: () => benchAvailability(),
  booking: () => benchBooking(),
  busy: () => benchBusy(),
  broker: () => benchBroker(),
  history: () => benchHistory(),
  pages: () => benchPages(),
  webhooks: () => benchWebhooks(),
};
/** Suites that drive the real broker: run with no suite named only when AMQP_URL is set. */
const needBroker = new Set(['booking', 'broker', 'webhooks']);
const chosen = process.argv.slice(2).filter((name) => !name.startsWith('-'));
const names =
  chosen.length > 0 ? chosen : Object.keys(suites).filter((name) => process.env.AMQP_URL || !needBroker.has(name));
if (chosen.length === 0 && !process.env.AMQP_URL) {
  console.log(`skipped without AMQP_URL (the local RabbitMQ): ${[...needBroker].join(', ')}`);
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
for (const monitor of damonMonitors()) {
  console.log(`kernel memory monitor (DAMON) on: ${monitor}; its scans stall every process now and then`);
}
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark "${name}"; choose from: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n${name}:`);
  const report = await suite();
  if (Array.isArray(report)) console.table(report);
  else {
    for (const [title, rows] of Object.entries(report)) {
      console.log(`${title}:`);
      console.table(rows);
    }
  }
}
