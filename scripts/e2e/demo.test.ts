import { buildEmbeddedSystem } from '@slotkeeper/embedded';
import { silentLogger } from '@slotkeeper/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../demo/demo-flow.js';

describe('end to end: the embedded system on a real port runs the demo flow', () => {
  let system: Awaited<ReturnType<typeof buildEmbeddedSystem>>;
  let url: string;
  beforeAll(async () => {
    system = await buildEmbeddedSystem({ logger: silentLogger() });
    url = await system.gateway.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => system.gateway.close());

  it('books, refuses the double booking and the lunch slot, and compares both calendars', async () => {
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
  });
});
