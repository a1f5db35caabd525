import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import { MemoryBusyTimesRepository } from '../src/adapters/memory/memory-busy-times-repository.js';
import { MongoBusyTimesRepository } from '../src/adapters/mongo/mongo-busy-times-repository.js';
import { UNKNOWN_UNTIL, type BusyTimes, type BusyTimesRepository } from '../src/domain/busy-times.js';
import { CAL } from './fixtures.js';

const OTHER_CAL = 'dddddddddddddddddddddddd';
const SOURCE = '111111111111111111111111';
const SECOND = '222222222222222222222222';
const at = (hhmm: string, day = '24') => Date.parse(`2030-06-${day}T${hhmm}:00.000Z`);
const span = (from: string, to: string, day = '24') => ({ start: at(from, day), end: at(to, day) });
const MONDAY = { start: at('00:00'), end: at('00:00', '25') };
/** A window end far past every range asked for below, unless a test says otherwise. */
const FAR = Date.parse('2031-07-01T00:00:00.000Z');
/** From `hhmm` on: the unknown time past a window's end. */
const unknownFrom = (hhmm: string) => ({ start: at(hhmm), end: UNKNOWN_UNTIL });
const busyTimes = (version: number, busy: BusyTimes['busy'], extra: Partial<BusyTimes> = {}): BusyTimes => ({
  calendarId: CAL,
  sourceId: SOURCE,
  version,
  removed: false,
  busy,
  windowEnd: FAR,
  ...extra,
});

await describeContract<BusyTimesRepository>(
  'BusyTimesRepository',
  { memory: () => new MemoryBusyTimesRepository(), mongo: (c) => new MongoBusyTimesRepository(c) },
  (repo) => {
    it('when versions of a source arrive, then the newest is kept, whatever their order or repetitions', async () => {
      const second = busyTimes(2, [span('10:00', '11:00')]);
      const third = busyTimes(3, [span('12:00', '13:00')]);
      expect(await repo().applyBusyTimes(second)).toBe(true);
      expect(await repo().applyBusyTimes(third)).toBe(true);
      // Late and repeated: an older or equal version never brings older busy times back.
      expect(await repo().applyBusyTimes(busyTimes(1, [span('09:00', '17:00')]))).toBe(false);
      expect(await repo().applyBusyTimes(second)).toBe(false);
      expect(await repo().applyBusyTimes(third)).toBe(false);
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('12:00', '13:00')]);
      expect(await repo().busyVersion(CAL, SOURCE)).toBe(3);
    });

    it('when a calendar has several sources, then its busy times are theirs merged, and only its own', async () => {
      await repo().applyBusyTimes(busyTimes(1, [span('09:00', '10:00'), span('13:00', '14:00')]));
      await repo().applyBusyTimes(
        busyTimes(4, [span('09:30', '11:00'), span('11:00', '11:30'), span('15:00', '16:00')], { sourceId: SECOND }),
      );
      await repo().applyBusyTimes(
        busyTimes(1, [span('12:00', '13:00')], { calendarId: OTHER_CAL, sourceId: '333333333333333333333333' }),
      );
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([
        span('09:00', '11:30'),
        span('13:00', '14:00'),
        span('15:00', '16:00'),
      ]);
      expect(await repo().busyBetween(OTHER_CAL, MONDAY)).toEqual([span('12:00', '13:00')]);
      expect(await repo().busyBetween('eeeeeeeeeeeeeeeeeeeeeeee', MONDAY)).toEqual([]);
    });

    it('when a range is asked for, then the busy times overlapping it are given whole, and touching ones are not', async () => {
      await repo().applyBusyTimes(
        busyTimes(1, [
          span('08:00', '09:00'),
          span('09:30', '10:30'),
          span('11:00', '12:00'),
          span('12:00', '13:00', '25'),
        ]),
      );
      expect(await repo().busyBetween(CAL, span('09:00', '11:00'))).toEqual([span('09:30', '10:30')]);
      expect(await repo().busyBetween(CAL, span('10:00', '11:01'))).toEqual([
        span('09:30', '10:30'),
        span('11:00', '12:00'),
      ]);
      expect(await repo().busyBetween(CAL, span('13:00', '14:00'))).toEqual([]);
    });

    it('when a source is removed, then its busy times are gone, and no older message brings them back', async () => {
      await repo().applyBusyTimes(busyTimes(2, [span('10:00', '11:00')]));
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00')]);
      expect(await repo().applyBusyTimes(busyTimes(3, [], { removed: true }))).toBe(true);
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([]);
      expect(await repo().applyBusyTimes(busyTimes(2, [span('10:00', '11:00')]))).toBe(false);
      expect(await repo().applyBusyTimes(busyTimes(1, [span('10:00', '11:00')]))).toBe(false);
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([]);
      // The tombstone answers its version.
      expect(await repo().busyVersion(CAL, SOURCE)).toBe(3);
    });

    it('when a removal arrives before the source’s first busy times, then they never appear', async () => {
      expect(await repo().applyBusyTimes(busyTimes(2, [], { removed: true }))).toBe(true);
      expect(await repo().applyBusyTimes(busyTimes(1, [span('10:00', '11:00')]))).toBe(false);
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([]);
    });

    it('when a source is unknown, or asked for under another calendar, then its version is 0', async () => {
      expect(await repo().busyVersion(CAL, SOURCE)).toBe(0);
      await repo().applyBusyTimes(busyTimes(5, [span('10:00', '11:00')]));
      expect(await repo().busyVersion(CAL, SOURCE)).toBe(5);
      expect(await repo().busyVersion(OTHER_CAL, SOURCE)).toBe(0);
    });

    it('when busy times change after they were read, then the next read sees the new ones', async () => {
      await repo().applyBusyTimes(busyTimes(1, [span('10:00', '11:00')]));
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00')]);
      await repo().applyBusyTimes(busyTimes(2, [span('14:00', '15:00')]));
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('14:00', '15:00')]);
      await repo().applyBusyTimes(busyTimes(3, []));
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([]);
    });

    it('when a range reaches past a source’s window end, then the time past it is one busy interval, to no end', async () => {
      await repo().applyBusyTimes(
        busyTimes(1, [span('10:00', '11:00'), span('14:30', '15:30')], { windowEnd: at('15:00') }),
      );
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00'), unknownFrom('14:30')]);
      expect(await repo().busyBetween(CAL, span('16:00', '17:00'))).toEqual([unknownFrom('15:00')]);
      // A range ending at the window's end, or before it, is all known.
      expect(await repo().busyBetween(CAL, span('09:00', '12:00'))).toEqual([span('10:00', '11:00')]);
      expect(await repo().busyBetween(CAL, span('11:00', '14:00'))).toEqual([]);
      await repo().applyBusyTimes(busyTimes(2, [span('10:00', '11:00')], { windowEnd: at('15:00') }));
      expect(await repo().busyBetween(CAL, span('12:00', '15:00'))).toEqual([]);
      expect(await repo().busyBetween(CAL, span('12:00', '15:01'))).toEqual([unknownFrom('15:00')]);
    });

    it('when a calendar’s sources’ windows end apart, then the earliest end of a live one counts, and a removed one has none', async () => {
      await repo().applyBusyTimes(busyTimes(1, [span('10:00', '11:00')], { windowEnd: at('18:00') }));
      await repo().applyBusyTimes(busyTimes(1, [span('16:00', '17:00')], { sourceId: SECOND, windowEnd: at('15:00') }));
      // Another calendar's source never shortens this one's.
      await repo().applyBusyTimes(
        busyTimes(1, [], { calendarId: OTHER_CAL, sourceId: '333333333333333333333333', windowEnd: at('09:00') }),
      );
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00'), unknownFrom('15:00')]);
      expect(await repo().busyBetween(OTHER_CAL, MONDAY)).toEqual([unknownFrom('09:00')]);
      await repo().applyBusyTimes(busyTimes(2, [], { sourceId: SECOND, removed: true }));
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00'), unknownFrom('18:00')]);
      await repo().applyBusyTimes(busyTimes(2, [], { removed: true }));
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([]);
    });

    it('when a newer version’s window ends later, then the time up to its end opens; an older one never shortens it again', async () => {
      await repo().applyBusyTimes(busyTimes(1, [span('10:00', '11:00')], { windowEnd: at('12:00') }));
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00'), unknownFrom('12:00')]);
      await repo().applyBusyTimes(busyTimes(2, [span('10:00', '11:00')], { windowEnd: at('20:00') }));
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00'), unknownFrom('20:00')]);
      expect(await repo().applyBusyTimes(busyTimes(1, [], { windowEnd: at('12:00') }))).toBe(false);
      expect(await repo().busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00'), unknownFrom('20:00')]);
    });

    it('when a source has the most busy intervals a message may carry, then a day of them is read', async () => {
      // 100,000 five-minute busy times, one every ten minutes from 2030-06-01 on (some 694 days).
      const start = Date.parse('2030-06-01T00:00:00Z');
      const busy = Array.from({ length: 100_000 }, (_, i) => ({
        start: start + i * 600_000,
        end: start + i * 600_000 + 300_000,
      }));
      expect(await repo().applyBusyTimes(busyTimes(1, busy))).toBe(true);
      const day = await repo().busyBetween(CAL, MONDAY);
      expect(day).toHaveLength(144);
      expect(day[0]).toEqual(span('00:00', '00:05'));
      expect(day[143]).toEqual(span('23:50', '23:55'));
    });
  },
);
