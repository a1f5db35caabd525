import { runDemo } from './demo-flow.js';
import { runOwnerChanges } from './owner-changes-flow.js';

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

  const changes = await runOwnerChanges(gateway, report);
  console.log('\nThen Alice changes her hours, Carol moves her booking, and Alice replaces her api key:\n');
  console.table(changes.steps);
  const { slots, first, last } = changes.newHours;
  console.log(`Alice's Monday now offers ${slots} slots, from ${first} to ${last} Berlin (was ${report.aliceSlots}).`);
  console.log(
    `Carol's booking moved from ${changes.moved.from} to ${changes.moved.to} Berlin; its old time was free again.`,
  );
  console.log("Alice's old api key was refused (401) on the very next request; the new one works.");

  console.log('\nIn a browser:');
  console.log(`  Alice's booking page, as any invitee sees it: ${gateway}/book/${report.ids.aliceCalendar}`);
  console.log(
    `  Carol's booking, to reschedule or cancel: ${gateway}/booking/${report.ids.carolsBooking}#token=${report.credentials.carolsCancelToken}`,
  );
} catch (error) {
  console.error(`demo failed against ${gateway}: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is the system running? Start it with `pnpm start` (or set GATEWAY_URL).');
  process.exit(1);
}
