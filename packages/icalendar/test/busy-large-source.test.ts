import { describe, expect, it } from 'vitest';
import { busyTimesOf } from '../src/index.js';
import { calendar, utc } from './support.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** 4,700 single events, 250 weekly series with an EXDATE and a moved occurrence, 50 daily series. */
function bigSource(): { text: string; vevents: number } {
  const events: string[][] = [];
  const first = Date.parse('2026-01-05T00:00:00Z');
  const wall = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15);
  for (let i = 0; i < 4_700; i++) {
    const start = first + (i % 400) * DAY + (8 + (i % 9)) * HOUR;
    events.push([`UID:single-${i}`, `DTSTART;TZID=Europe/Berlin:${wall(start)}`, `DURATION:PT45M`]);
  }
  for (let i = 0; i < 250; i++) {
    const start = first + (i % 7) * DAY + (7 + (i % 11)) * HOUR;
    const weekly = [
      `UID:weekly-${i}`,
      `DTSTART;TZID=W. Europe Standard Time:${wall(start)}`,
      `DTEND;TZID=W. Europe Standard Time:${wall(start + HOUR)}`,
      'RRULE:FREQ=WEEKLY',
      `EXDATE;TZID=W. Europe Standard Time:${wall(start + 14 * DAY)}`,
    ];
    const moved = [
      `UID:weekly-${i}`,
      `RECURRENCE-ID;TZID=W. Europe Standard Time:${wall(start + 21 * DAY)}`,
      `DTSTART;TZID=W. Europe Standard Time:${wall(start + 21 * DAY + 2 * HOUR)}`,
      `DTEND;TZID=W. Europe Standard Time:${wall(start + 21 * DAY + 3 * HOUR)}`,
    ];
    events.push(weekly, moved);
  }
  for (let i = 0; i < 50; i++) {
    const start = first + (6 + (i % 10)) * HOUR;
    events.push([`UID:daily-${i}`, `DTSTART:${wall(start)}Z`, `DTEND:${wall(start + HOUR / 4)}Z`, 'RRULE:FREQ=DAILY']);
  }
  return { text: calendar(...events), vevents: events.length };
}

describe('a big source', () => {
  it('when 5,000 events (recurring included) are read, then nextTurn is awaited throughout and other tasks run meanwhile', async () => {
    const { text, vevents } = bigSource();
    let turns = 0;
    const nextTurn = (): Promise<void> => {
      turns++;
      return new Promise((resolve) => setImmediate(resolve));
    };
    // Another task of the event loop, as a /health request would be: it runs only if the parser yields.
    let otherTasks = 0;
    let running = true;
    const other = (): void => {
      otherTasks++;
      if (running) setImmediate(other);
    };
    setImmediate(other);

    const result = await busyTimesOf([text], {
      ownerZone: 'Europe/Berlin',
      window: utc('2026-03-01T00:00', '2027-03-01T00:00'),
      nextTurn,
    });
    running = false;

    expect(result.events).toBe(vevents);
    expect(result.skipped).toBe(0);
    expect(result.busy.length).toBeGreaterThan(300);
    // ~5,250 VEVENTs and ~40,000 occurrences: a turn every 1,000 of them.
    expect(turns).toBeGreaterThanOrEqual(40);
    expect(otherTasks).toBeGreaterThanOrEqual(turns);
  });
});
