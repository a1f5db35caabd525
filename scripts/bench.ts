import { cpus } from 'node:os';
import { benchAvailability } from './bench-availability.js';
import { benchBooking } from './bench-booking.js';
import type { Rows } from './bench-client.js';

/** A suite gives one table, or several under their titles. */
const suites: Record<string, () => Promise<Rows | Record<string, Rows>>> = {
  availability: () => benchAvailability(),
  booking: () => benchBooking(),
};
const chosen = process.argv.slice(2).filter((name) => !name.startsWith('-'));
const names = chosen.length > 0 ? chosen : Object.keys(suites);

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
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
