import { runDemo } from './demo-flow.js';

const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
try {
  const report = await runDemo(gateway);
  console.log(`\nSlotkeeper demo against ${gateway}\n`);
  console.table(report.steps);
  console.log(`\nWhen Alice (Berlin) and Bob (New York) are both free on Monday ${report.monday} (UTC):`);
  console.table(
    report.overlaps.map((o) => ({
      from: o.start_time,
      to: o.end_time,
      minutes: (Date.parse(o.end_time) - Date.parse(o.start_time)) / 60_000,
    })),
  );
  console.log(`Alice still offers ${report.aliceSlots} bookable 30-minute slots that Monday.`);
} catch (error) {
  console.error(`demo failed against ${gateway}: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is the system running? Start it with `pnpm start` (or set GATEWAY_URL).');
  process.exit(1);
}
