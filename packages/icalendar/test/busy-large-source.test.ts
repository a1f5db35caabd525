import ICAL from 'ical.js';
import { describe, expect, it, vi } from 'vitest';
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

/** A clock that reads `step` ms later at every reading: work takes time in proportion to how much is done. */
function steppingClock(step: number): () => number {
  let now = 0;
  return () => (now += step);
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
      clock: steppingClock(1),
    });
    running = false;

    expect(result.events).toBe(vevents);
    expect(result.skipped).toBe(0);
    expect(result.busy.length).toBeGreaterThan(300);
    // ~5,250 VEVENTs, read then grouped, and ~40,000 occurrences; the clock is read every 50 of them.
    expect(turns).toBeGreaterThanOrEqual(100);
    expect(otherTasks).toBeGreaterThanOrEqual(turns);
  });

  it('when its text is parsed, then turns come between its VEVENTs, not once they are all parsed', async () => {
    const { text, vevents } = bigSource();
    // ICAL.parse is what holds the event loop: count its calls between turns.
    const parse = vi.spyOn(ICAL, 'parse');
    const parsedAtTurns: number[] = [];
    let parsed = 0;
    try {
      await busyTimesOf([text], {
        ownerZone: 'Europe/Berlin',
        window: utc('2026-03-01T00:00', '2027-03-01T00:00'),
        nextTurn: () => {
          parsedAtTurns.push(parse.mock.calls.length);
          return Promise.resolve();
        },
        clock: steppingClock(1),
      });
      parsed = parse.mock.calls.length;
    } finally {
      parse.mockRestore();
    }

    expect(parsed).toBeGreaterThan(vevents); // each VEVENT alone, and the rest of the text
    const whileParsing = parsedAtTurns.filter((count) => count < parsed);
    expect(whileParsing.length).toBeGreaterThanOrEqual(5);
    const between = [...whileParsing, parsed].map((count, i, counts) => count - (counts[i - 1] ?? 0));
    expect(Math.max(...between)).toBeLessThanOrEqual(vevents / 5);
  });

  it('when the clock does not move, then no turn is taken; when every reading is 8 ms later, each one takes a turn', async () => {
    const { text } = bigSource();
    const turnsWith = async (clock: () => number): Promise<number> => {
      let turns = 0;
      await busyTimesOf([text], {
        ownerZone: 'Europe/Berlin',
        window: utc('2026-03-01T00:00', '2026-04-01T00:00'),
        nextTurn: () => Promise.resolve(void turns++),
        clock,
      });
      return turns;
    };

    expect(await turnsWith(() => 0)).toBe(0);
    // Turns follow the clock, not a count of work: at 1 ms a reading, one in 8 readings.
    const everyReading = await turnsWith(steppingClock(8));
    expect(everyReading).toBeGreaterThan(200);
    expect(await turnsWith(steppingClock(1))).toBe(Math.floor(everyReading / 8));
  });
});
