import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NINE, NINE_THIRTY, useHarness } from './harness.js';

const MINUTE = 60_000;
// Monday 2030-06-24, open 09–12 and 13–17 Berlin = 07–10 and 11–15 UTC.
const DAY_START = Date.parse('2030-06-24T07:00:00Z');

describe('no double booking, however clients race', () => {
  const h = useHarness();

  it('when 50 clients book the same slot at once, then exactly one gets 201 and the rest 409', async () => {
    const { cal } = await h.bookable();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 50 }, () => h.book(cal.id, NINE, NINE_THIRTY)));
    const settled = Date.now() - started;
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    expect(settled).toBeLessThan(5_000); // a sanity bound, not a benchmark (see pnpm bench)
  });

  it('when clients race for random overlapping intervals, then confirmed events never overlap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ offset: fc.integer({ min: 0, max: 170 }), length: fc.integer({ min: 1, max: 90 }) }), {
          minLength: 2,
          maxLength: 40,
        }),
        async (requests) => {
          const { cal } = await h.bookable({ buffer_after_minutes: 5 });
          const results = await Promise.all(
            requests.map(({ offset, length }) => {
              const start = DAY_START + offset * MINUTE;
              return h.book(cal.id, new Date(start).toISOString(), new Date(start + length * MINUTE).toISOString());
            }),
          );
          for (const r of results) expect([201, 409, 422]).toContain(r.status);
          const events = (await h.send('GET', `/api/calendar/calendars/${cal.id}/events`)).body as Array<{
            start_time: string;
            end_time: string;
          }>;
          expect(events).toHaveLength(results.filter((r) => r.status === 201).length);
          // Sorted by start: each must end, with its 5-minute buffer, before the next begins.
          for (let i = 1; i < events.length; i++) {
            expect(Date.parse(events[i - 1]!.end_time) + 5 * MINUTE).toBeLessThanOrEqual(
              Date.parse(events[i]!.start_time),
            );
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
