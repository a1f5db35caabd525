import { formatInstant } from '@slotkeeper/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMany } from '../src/http/availability-routes.js';

const ZONES = [
  undefined,
  'UTC',
  'Etc/UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
  'America/Adak',
  'Africa/Casablanca',
  'America/Santiago',
];

describe('rendering many instants', () => {
  it('writes every instant exactly as formatInstant does, in any zone, DST changes included', () => {
    const zones = [...ZONES, ...Intl.supportedValuesOf('timeZone')];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.array(fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 0, max: 3 * 3_600_000 }),
        (zone, instants, spread) => {
          const render = renderMany(zone);
          // Neighbours of each instant too, so that the hours of a change are met often.
          for (const instant of instants.flatMap((i) => [i, i + spread, i - spread])) {
            expect(render(instant)).toBe(formatInstant(instant, zone));
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('meets each DST change of a year, every 29 minutes', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham']) {
      const render = renderMany(zone);
      for (let t = Date.parse('2030-01-01T00:00:00Z'); t < Date.parse('2031-01-01T00:00:00Z'); t += 29 * 60_000) {
        if (render(t) !== formatInstant(t, zone)) expect(render(t)).toBe(formatInstant(t, zone));
      }
    }
  });
});
