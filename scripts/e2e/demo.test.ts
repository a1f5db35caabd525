import { buildEmbeddedSystem } from '@slotkeeper/embedded';
import { silentLogger } from '@slotkeeper/observability';
import { apiClient, apiSetup } from '@slotkeeper/testing/api';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../demo/demo-flow.js';
import { runOwnerChanges } from '../demo/owner-changes-flow.js';

describe('end to end: the embedded system on a real port runs the demo flow', () => {
  let system: Awaited<ReturnType<typeof buildEmbeddedSystem>>;
  let url: string;
  beforeAll(async () => {
    system = await buildEmbeddedSystem({ logger: silentLogger() });
    url = await system.gateway.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => system.gateway.close());

  it('books, refuses the double booking and the lunch slot, compares both calendars, then edits hours, moves a booking and replaces a key', async () => {
    const report = await runDemo(url);
    expect(report.steps.map((s) => s.status)).toEqual([
      201, 201, 201, 201, 201, 201, 201, 409, 422, 201, 200, 200, 403, 401, 200,
    ]);
    // Alice 09–12, 13–17 Berlin (07–10, 11–15 UTC in summer, 08–11, 12–16 in winter); Bob 08–16 New York.
    expect(report.overlaps.length).toBeGreaterThan(0);
    for (const overlap of report.overlaps)
      expect(Date.parse(overlap.end_time)).toBeGreaterThan(Date.parse(overlap.start_time));
    const bobBooking = report.steps.find((s) => s.step === 'book Bob 09:00 New York');
    expect(bobBooking?.result).toMatch(/^[0-9a-f]{24}$/);
    expect(report.aliceSlots).toBeGreaterThan(0);

    const changes = await runOwnerChanges(url, report);
    expect(changes.steps.map((s) => [s.step, s.status])).toEqual([
      ['Alice: hours now 10:00–18:00, no lunch break', 200],
      ['Alice: availability on Monday (new hours)', 200],
      ['book Alice 12:30 Berlin (lunch now open)', 201],
      ['Carol moves her 16:00 to 10:00 (cancel token)', 200],
      ['Alice: 16:00–16:30 free again', 200],
      ['Erin books Alice 16:00 Berlin', 201],
      ['Alice: rotate her api key', 201],
      ["Alice's calendar, old key", 401],
      ["Alice's calendar, new key", 200],
    ]);
    // 10:00–18:00 less Carol's 16:00–16:30 and its 10-minute buffer (15:50–16:40): every half
    // hour from 10:00 to 15:00, then 16:40 and 17:10.
    expect(changes.newHours).toEqual({ slots: 13, first: '10:00', last: '17:10' });
    expect(changes.moved).toEqual({ from: '16:00', to: '10:00' });
    expect(changes.aliceKey).not.toBe(report.credentials.alice);
  });

  it('when Carol moves her booking, then her event has the new time and the old key no longer reads it', async () => {
    const report = await runDemo(url);
    const changes = await runOwnerChanges(url, report);
    const api = apiSetup(apiClient(url));
    const event = await api.event(report.ids.carolsBooking, report.credentials.carolsCancelToken);
    expect(DateTime.fromISO(event.start_time).setZone('Europe/Berlin').toFormat('HH:mm')).toBe('10:00');
    // The cancel token still opens the moved event; the rotated-away owner key opens nothing.
    await expect(api.event(report.ids.carolsBooking, report.credentials.alice)).rejects.toMatchObject({ status: 401 });
    await expect(api.event(report.ids.carolsBooking, changes.aliceKey)).resolves.toMatchObject({ status: 'confirmed' });
  });
});
