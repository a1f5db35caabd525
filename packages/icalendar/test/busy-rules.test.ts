import { describe, expect, it } from 'vitest';
import { BusyLimitError, busyTimesOf, IcsParseError } from '../src/index.js';
import { calendar, iso, local, utc, YEAR_2026 } from './support.js';

const berlin = { ownerZone: 'Europe/Berlin', window: YEAR_2026 };

describe('the window', () => {
  it('when events end before the window or start after it, then they block nothing; one across an edge is clipped', async () => {
    const window = utc('2026-03-01T00:00', '2026-04-01T00:00');
    const text = calendar(
      ['UID:before', 'DTSTART:20260228T220000Z', 'DTEND:20260301T000000Z'],
      ['UID:after', 'DTSTART:20260401T000000Z', 'DTEND:20260401T010000Z'],
      ['UID:across-start', 'DTSTART:20260228T230000Z', 'DTEND:20260301T010000Z'],
      ['UID:across-end', 'DTSTART:20260331T230000Z', 'DTEND:20260401T010000Z'],
    );
    const result = await busyTimesOf([text], { ownerZone: 'Asia/Tokyo', window });
    expect(iso(result.busy)).toEqual(
      iso([utc('2026-03-01T00:00', '2026-03-01T01:00'), utc('2026-03-31T23:00', '2026-04-01T00:00')]),
    );
  });

  it('when a series started long ago and never ends, then only its occurrences in the window count', async () => {
    const window = utc('2026-06-01T00:00', '2026-06-04T00:00');
    const text = calendar([
      'UID:daily-since-2001',
      'DTSTART;TZID=America/New_York:20010101T090000',
      'DTEND;TZID=America/New_York:20010101T091500',
      'RRULE:FREQ=DAILY',
    ]);
    const result = await busyTimesOf([text], { ownerZone: 'Asia/Kolkata', window });
    expect(iso(result.busy)).toEqual(
      iso([
        utc('2026-06-01T13:00', '2026-06-01T13:15'), // 09:00 EDT, an IANA TZID without VTIMEZONE
        utc('2026-06-02T13:00', '2026-06-02T13:15'),
        utc('2026-06-03T13:00', '2026-06-03T13:15'),
      ]),
    );
    expect(result.skipped).toBe(0);
  });
});

describe('lengths', () => {
  it('when a timed event has neither DTEND nor DURATION, then it is an instant and blocks nothing', async () => {
    const text = calendar(
      ['UID:point', 'DTSTART:20260310T090000Z'],
      ['UID:zero', 'DTSTART:20260310T100000Z', 'DTEND:20260310T100000Z'],
    );
    expect((await busyTimesOf([text], berlin)).busy).toEqual([]);
  });

  it('when an all-day event has no DTEND, then it blocks its one day; with DURATION:P2D, two days', async () => {
    const text = calendar(
      ['UID:one', 'DTSTART;VALUE=DATE:20260329'],
      ['UID:two', 'DTSTART;VALUE=DATE:20260401', 'DURATION:P2D'],
    );
    const result = await busyTimesOf([text], berlin);
    expect(iso(result.busy)).toEqual(
      iso([
        local('2026-03-29T00:00', '2026-03-30T00:00', 'Europe/Berlin'), // 23 hours: the spring change
        local('2026-04-01T00:00', '2026-04-03T00:00', 'Europe/Berlin'),
      ]),
    );
  });

  it('when an all-day event is read for owners in different zones, then it blocks each owner’s own day', async () => {
    const text = calendar(['UID:day', 'DTSTART;VALUE=DATE:20260702', 'DTEND;VALUE=DATE:20260703']);
    for (const zone of ['Asia/Kolkata', 'Pacific/Auckland', 'America/Los_Angeles']) {
      const result = await busyTimesOf([text], { ownerZone: zone, window: YEAR_2026 });
      expect(iso(result.busy)).toEqual(iso([local('2026-07-02T00:00', '2026-07-03T00:00', zone)]));
    }
  });
});

describe('recurrences', () => {
  it('when EXDATEs are in UTC and the TZID has no VTIMEZONE, then they exclude the occurrence at that instant only', async () => {
    const text = calendar([
      'UID:outlook-utc-exdate',
      'DTSTART;TZID=W. Europe Standard Time:20260309T090000',
      'DTEND;TZID=W. Europe Standard Time:20260309T100000',
      'RRULE:FREQ=DAILY;COUNT=3',
      // 08:00Z is 09:00 in Berlin (excludes Mar 10); 09:00Z is 10:00 there (no occurrence):
      // ical.js would compare both with floating 09:00 read as UTC and get both wrong.
      'EXDATE:20260310T080000Z,20260311T090000Z',
    ]);
    const result = await busyTimesOf([text], berlin);
    expect(iso(result.busy)).toEqual(
      iso([utc('2026-03-09T08:00', '2026-03-09T09:00'), utc('2026-03-11T08:00', '2026-03-11T09:00')]),
    );
  });

  it('when a RECURRENCE-ID is written in UTC for a series in a TZID, then it still replaces its occurrence', async () => {
    const text = calendar(
      [
        'UID:series',
        'DTSTART;TZID=Europe/Berlin:20260309T090000',
        'DTEND;TZID=Europe/Berlin:20260309T100000',
        'RRULE:FREQ=DAILY;COUNT=3',
      ],
      ['UID:series', 'RECURRENCE-ID:20260310T080000Z', 'DTSTART:20260310T150000Z', 'DTEND:20260310T160000Z'],
    );
    const result = await busyTimesOf([text], berlin);
    expect(iso(result.busy)).toEqual(
      iso([
        utc('2026-03-09T08:00', '2026-03-09T09:00'),
        utc('2026-03-10T15:00', '2026-03-10T16:00'),
        utc('2026-03-11T08:00', '2026-03-11T09:00'),
      ]),
    );
  });

  it('when another UID has an override at the same RECURRENCE-ID, then it changes only its own series', async () => {
    const text = calendar(
      ['UID:a', 'DTSTART:20260309T090000Z', 'DTEND:20260309T100000Z', 'RRULE:FREQ=DAILY;COUNT=2'],
      ['UID:b', 'DTSTART:20260309T090000Z', 'DTEND:20260309T100000Z', 'RRULE:FREQ=DAILY;COUNT=2'],
      ['UID:b', 'RECURRENCE-ID:20260310T090000Z', 'DTSTART:20260310T120000Z', 'DTEND:20260310T130000Z'],
    );
    const result = await busyTimesOf([text], berlin);
    expect(iso(result.busy)).toEqual(
      iso([
        utc('2026-03-09T09:00', '2026-03-09T10:00'),
        utc('2026-03-10T09:00', '2026-03-10T10:00'), // a's own
        utc('2026-03-10T12:00', '2026-03-10T13:00'), // b's, moved
      ]),
    );
  });

  it('when an override is transparent or canceled it frees its occurrence; an opaque one blocks in a transparent series', async () => {
    const text = calendar(
      ['UID:busy', 'DTSTART:20260309T090000Z', 'DTEND:20260309T100000Z', 'RRULE:FREQ=DAILY;COUNT=3'],
      [
        'UID:busy',
        'RECURRENCE-ID:20260310T090000Z',
        'DTSTART:20260310T090000Z',
        'DTEND:20260310T100000Z',
        'TRANSP:TRANSPARENT',
      ],
      [
        'UID:busy',
        'RECURRENCE-ID:20260311T090000Z',
        'DTSTART:20260311T090000Z',
        'DTEND:20260311T100000Z',
        'STATUS:CANCELLED',
      ],
      [
        'UID:free',
        'DTSTART:20260309T140000Z',
        'DTEND:20260309T150000Z',
        'RRULE:FREQ=DAILY;COUNT=3',
        'TRANSP:TRANSPARENT',
      ],
      [
        'UID:free',
        'RECURRENCE-ID:20260310T140000Z',
        'DTSTART:20260310T140000Z',
        'DTEND:20260310T150000Z',
        'TRANSP:OPAQUE',
      ],
    );
    const result = await busyTimesOf([text], berlin);
    expect(iso(result.busy)).toEqual(
      iso([utc('2026-03-09T09:00', '2026-03-09T10:00'), utc('2026-03-10T14:00', '2026-03-10T15:00')]),
    );
  });

  it('when an occurrence after the window is moved into it, or an override has no series, then it blocks at its own time', async () => {
    const window = utc('2026-03-01T00:00', '2026-04-01T00:00');
    const text = calendar(
      ['UID:weekly', 'DTSTART:20260302T090000Z', 'DTEND:20260302T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=10'],
      ['UID:weekly', 'RECURRENCE-ID:20260406T090000Z', 'DTSTART:20260331T120000Z', 'DTEND:20260331T130000Z'],
      ['UID:orphan', 'RECURRENCE-ID:20260303T090000Z', 'DTSTART:20260303T090000Z', 'DTEND:20260303T093000Z'],
    );
    const result = await busyTimesOf([text], { ownerZone: 'Europe/Berlin', window });
    expect(iso(result.busy)).toEqual(
      iso([
        utc('2026-03-02T09:00', '2026-03-02T10:00'),
        utc('2026-03-03T09:00', '2026-03-03T09:30'),
        utc('2026-03-09T09:00', '2026-03-09T10:00'),
        utc('2026-03-16T09:00', '2026-03-16T10:00'),
        utc('2026-03-23T09:00', '2026-03-23T10:00'),
        utc('2026-03-30T09:00', '2026-03-30T10:00'),
        utc('2026-03-31T12:00', '2026-03-31T13:00'),
      ]),
    );
  });

  it('when a THISANDFUTURE override moves later occurrences earlier, then those from beyond the window come in', async () => {
    const window = utc('2026-03-01T00:00', '2026-03-20T00:00');
    const text = calendar(
      ['UID:w', 'DTSTART:20260302T090000Z', 'DTEND:20260302T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=4'],
      [
        'UID:w',
        'RECURRENCE-ID;RANGE=THISANDFUTURE:20260309T090000Z',
        'DTSTART:20260306T090000Z',
        'DTEND:20260306T100000Z',
      ],
    );
    const result = await busyTimesOf([text], { ownerZone: 'Europe/Berlin', window });
    expect(iso(result.busy)).toEqual(
      iso(
        [
          utc('2026-03-02T09:00', '2026-03-02T10:00'),
          utc('2026-03-06T09:00', '2026-03-06T10:00'),
          utc('2026-03-13T09:00', '2026-03-13T10:00'),
          utc('2026-03-20T09:00', '2026-03-20T10:00'), // from Mar 23
        ].filter((i) => i.start < window.end),
      ),
    );
  });
});

describe('sources with broken parts', () => {
  it('when some events are unreadable or their rules impossible, then they are skipped and the others still block', async () => {
    const text = calendar(
      ['UID:good', 'DTSTART:20260309T090000Z', 'DTEND:20260309T100000Z'],
      ['UID:garbage-start', 'DTSTART:garbage', 'DTEND:20260309T100000Z'],
      ['UID:bad-rule', 'DTSTART:20260309T110000Z', 'DTEND:20260309T120000Z', 'RRULE:FREQ=BOGUS'],
      ['UID:no-start', 'SUMMARY:nothing else'],
      [
        'UID:impossible',
        'DTSTART:20260105T090000Z',
        'DTEND:20260105T100000Z',
        'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
      ],
      ['UID:good', 'RECURRENCE-ID:garbage', 'DTSTART:20260309T130000Z'],
    );
    const result = await busyTimesOf([text], berlin);
    expect(iso(result.busy)).toEqual(iso([utc('2026-03-09T09:00', '2026-03-09T10:00')]));
    expect(result).toMatchObject({ events: 6, skipped: 5 });
  });

  it('when a series needs more iterator steps than allowed, then it alone is skipped', async () => {
    const text = calendar(
      ['UID:long', 'DTSTART:20200101T090000Z', 'DTEND:20200101T100000Z', 'RRULE:FREQ=DAILY'],
      ['UID:short', 'DTSTART:20260309T120000Z', 'DTEND:20260309T130000Z', 'RRULE:FREQ=DAILY;COUNT=2'],
    );
    const result = await busyTimesOf([text], { ...berlin, maxStepsPerSeries: 1_000 });
    expect(iso(result.busy)).toEqual(
      iso([utc('2026-03-09T12:00', '2026-03-09T13:00'), utc('2026-03-10T12:00', '2026-03-10T13:00')]),
    );
    expect(result.skipped).toBe(1);
  });
});

describe('whole sources', () => {
  it('when a calendar has no events (or the collection no objects), then it has no busy time', async () => {
    expect(await busyTimesOf([calendar()], berlin)).toEqual({ busy: [], events: 0, skipped: 0, steps: 0 });
    expect(await busyTimesOf([], berlin)).toEqual({ busy: [], events: 0, skipped: 0, steps: 0 });
  });

  it('when one text holds several VCALENDARs, then the events of each count', async () => {
    const text =
      calendar(['UID:a', 'DTSTART:20260309T090000Z', 'DTEND:20260309T100000Z']) +
      calendar(['UID:b', 'DTSTART:20260310T090000Z', 'DTEND:20260310T100000Z']);
    const result = await busyTimesOf([text], berlin);
    expect(result.busy).toHaveLength(2);
  });

  it('when a text is not iCalendar at all, then IcsParseError says so without quoting it', async () => {
    const secret = 'token=s3cr3t';
    const bad = [
      `<html><body>Login required ${secret}</body></html>`,
      `{"error":"${secret}"}`,
      '',
      `BEGIN:VCALENDAR\r\nthis line has no colon ${secret}\r\nEND:VCALENDAR\r\n`,
    ];
    for (const text of bad) {
      const error = await busyTimesOf([text], berlin).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IcsParseError);
      expect((error as Error).message).not.toContain(secret);
    }
    const second = await busyTimesOf([calendar(), bad[0]!], berlin).catch((e: unknown) => e);
    expect((second as Error).message).toBe('object 2 of 2 is not iCalendar');
  });

  it('when the merged busy intervals exceed the limit, then BusyLimitError names their count', async () => {
    const text = calendar([
      'UID:daily',
      'DTSTART:20260309T090000Z',
      'DTEND:20260309T100000Z',
      'RRULE:FREQ=DAILY;COUNT=3',
    ]);
    await expect(busyTimesOf([text], { ...berlin, maxIntervals: 2 })).rejects.toThrow(BusyLimitError);
    await expect(busyTimesOf([text], { ...berlin, maxIntervals: 2 })).rejects.toThrow(/\b3 busy intervals\b/);
    expect((await busyTimesOf([text], { ...berlin, maxIntervals: 3 })).busy).toHaveLength(3);
  });
});
