import { cpus } from 'node:os';
import { benchAvailability } from './bench-availability.js';
import { benchBooking } from './bench-booking.js';

const suites: Record<string, () => Promise<Array<Record<string, string | number>>>> = {
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
  console.table(await suite());
}
