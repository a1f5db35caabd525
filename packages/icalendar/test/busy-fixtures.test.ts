import { describe, expect, it } from 'vitest';
import { busyTimesOf } from '../src/index.js';
import { fixture, HOUR, iso, local, utc, YEAR_2026 } from './support.js';

// Expected intervals are worked out by hand (UTC offsets noted beside them) or by luxon,
// never by the code under test. Owner zones are never UTC, and every file crosses a DST change.

describe('a Google Calendar export (X-WR-TIMEZONE America/New_York, VTIMEZONE), owner in Berlin', () => {
  it('when read, then the weekly series, its moved and excluded occurrences, UTC and all-day events block exactly', async () => {
    const result = await busyTimesOf([fixture('google-new-york.ics')], {
      ownerZone: 'Europe/Berlin',
      window: YEAR_2026,
    });
    const outOfOffice = local('2026-10-25T00:00', '2026-10-26T00:00', 'Europe/Berlin');
    expect(outOfOffice.end - outOfOffice.start).toBe(25 * HOUR); // Berlin leaves summer time that night
    expect(iso(result.busy)).toEqual(
      iso([
        utc('2026-03-02T14:30', '2026-03-02T15:00'), // Mon 09:30 EST (-5)
        utc('2026-03-09T18:00', '2026-03-09T18:30'), // moved to 14:00 EDT (-4), the day after the US change
        // 2026-03-16 excluded (EXDATE)
        utc('2026-03-23T13:30', '2026-03-23T14:00'), // 09:30 EDT, the last one (UNTIL is inclusive)
        utc('2026-04-10T15:00', '2026-04-10T16:00'), // a UTC event
        outOfOffice, // the all-day event, midnight to midnight in the owner's zone
        // Thanksgiving, the "free" lunch and the yearly birthday are TRANSP:TRANSPARENT
      ]),
    );
    expect(result).toMatchObject({ events: 7, skipped: 0 });
  });
});

describe('an Outlook/Exchange export (Windows zone names, some without VTIMEZONE), owner in Chicago', () => {
  it('when read, then BUSYSTATUS, TRANSP, STATUS and every Windows or quoted TZID count as Outlook shows them', async () => {
    const result = await busyTimesOf([fixture('outlook-exchange.ics')], {
      ownerZone: 'America/Chicago',
      window: YEAR_2026,
    });
    const vacation = local('2026-11-01T00:00', '2026-11-02T00:00', 'America/Chicago');
    expect(vacation.end - vacation.start).toBe(25 * HOUR);
    expect(iso(result.busy)).toEqual(
      iso([
        // "Pacific Standard Time" without VTIMEZONE, daily 16:00, the US change on Mar 8
        utc('2026-03-06T00:00', '2026-03-06T00:30'), // Mar 5 16:00 PST (-8)
        utc('2026-03-07T00:00', '2026-03-07T00:30'), // Mar 6
        // Mar 7 excluded
        utc('2026-03-08T23:00', '2026-03-08T23:30'), // Mar 8 16:00 PDT (-7)
        utc('2026-03-09T23:00', '2026-03-09T23:30'), // Mar 9, the last (UNTIL=...T230000Z)
        // "W. Europe Standard Time" with its VTIMEZONE, Tuesdays 09:00
        utc('2026-03-17T08:00', '2026-03-17T09:00'), // CET (+1); Mar 24 is shown as FREE
        // "Romance Standard Time" without VTIMEZONE, daily 09:00; Europe changes on Mar 29
        utc('2026-03-23T08:00', '2026-03-23T08:30'),
        utc('2026-03-24T08:00', '2026-03-24T08:30'),
        utc('2026-03-25T08:00', '2026-03-25T08:30'),
        utc('2026-03-26T08:00', '2026-03-26T08:30'),
        utc('2026-03-27T08:00', '2026-03-27T08:30'),
        utc('2026-03-28T08:00', '2026-03-28T08:30'),
        utc('2026-03-29T07:00', '2026-03-29T07:30'), // CEST (+2)
        utc('2026-03-30T07:00', '2026-03-30T07:30'), // the last (UNTIL=20260330T070000Z)
        utc('2026-03-31T07:00', '2026-03-31T08:00'), // W. Europe, CEST
        utc('2026-04-07T07:00', '2026-04-07T08:00'), // the last (UNTIL=20260407T070000Z)
        // Apr 2 focus time is FREE/TRANSPARENT, Apr 3 CANCELLED, Apr 6 WORKINGELSEWHERE
        vacation, // OOF all day, 25 hours in Chicago
        utc('2026-11-02T16:30', '2026-11-02T17:30'), // TENTATIVE, 08:30 PST (quoted TZID)
      ]),
    );
    expect(result).toMatchObject({ events: 9, skipped: 0 });
  });
});

describe('an Apple iCloud export (VTIMEZONE, floating times, RDATE, multi-day all-day), owner in Los Angeles', () => {
  it('when read, then every event blocks its own span and ical.js quirks leave no trace', async () => {
    const result = await busyTimesOf([fixture('apple-icloud.ics')], {
      ownerZone: 'America/Los_Angeles',
      window: YEAR_2026,
    });
    const conference = local('2026-10-30T00:00', '2026-11-03T00:00', 'America/Los_Angeles');
    expect(conference.end - conference.start).toBe(4 * 24 * HOUR + HOUR); // the US change on Nov 1
    expect(iso(result.busy)).toEqual(
      iso([
        // RDATE-only series: DTSTART (which ical.js drops) and both RDATEs, Berlin changes on Mar 29
        utc('2026-03-20T09:00', '2026-03-20T10:00'),
        utc('2026-03-27T09:00', '2026-03-27T10:00'),
        utc('2026-04-03T08:00', '2026-04-03T09:00'),
        // DTSTART on a Monday with a Thursday rule: the Monday (which ical.js drops) and three Thursdays
        utc('2026-05-04T13:00', '2026-05-04T14:00'),
        utc('2026-05-07T13:00', '2026-05-07T14:00'),
        utc('2026-05-14T13:00', '2026-05-14T14:00'),
        utc('2026-05-21T13:00', '2026-05-21T14:00'),
        utc('2026-06-15T19:00', '2026-06-15T20:00'), // floating 12:00 read in the owner's zone (PDT, -7)
        // RRULE COUNT=3 plus RDATEs, one of them on a rule instant (counted once)
        utc('2026-07-01T06:00', '2026-07-01T06:30'),
        utc('2026-07-02T06:00', '2026-07-02T06:30'),
        utc('2026-07-03T06:00', '2026-07-03T06:30'),
        utc('2026-07-10T06:00', '2026-07-10T06:30'),
        utc('2026-10-24T21:00', '2026-10-25T02:00'), // 23:00 CEST to 03:00 CET: five hours
        conference,
        // the yearly Feb 29 has no day in 2026 (ical.js would say Mar 1); the reminder has no length
      ]),
    );
    expect(result).toMatchObject({ events: 8, skipped: 0 });
  });
});

describe('a Nextcloud CalDAV collection (one text per object), owner in Berlin', () => {
  const texts = [
    'weekly-moved-this-and-future.ics',
    'weekly-one-canceled.ics',
    'canceled.ics',
    'thunderbird-mozilla-tzid.ics',
    'duration-and-unknown-zone.ics',
    'own-write-back-copy.ics',
  ].map((name) => fixture(`nextcloud/${name}`));
  const expected = [
    utc('2026-02-10T08:00', '2026-02-10T09:00'), // unknown TZID read in the owner's zone (CET)
    utc('2026-03-25T17:00', '2026-03-25T18:00'), // Wednesdays 18:00 CET
    // Apr 1 canceled by its override
    utc('2026-04-08T16:00', '2026-04-08T17:00'), // 18:00 CEST, the last (UNTIL)
    utc('2026-03-29T10:00', '2026-03-29T11:00'), // "/mozilla.org/.../Europe/Berlin" 12:00 CEST, the change day
    utc('2026-10-05T08:00', '2026-10-05T09:00'), // Mondays 10:00 CEST
    utc('2026-10-12T08:00', '2026-10-12T09:00'),
    utc('2026-10-19T12:00', '2026-10-19T13:00'), // moved to 14:00 with RANGE=THISANDFUTURE
    utc('2026-10-24T10:00', '2026-10-25T11:00'), // DURATION:P1D from noon CEST to noon CET: 25 hours
    utc('2026-10-26T13:00', '2026-10-26T14:00'), // 14:00 CET from now on
    utc('2026-11-02T13:00', '2026-11-02T14:00'),
    utc('2026-11-09T13:00', '2026-11-09T14:00'), // COUNT=6 ends here
  ].sort((a, b) => a.start - b.start);

  it('when read with our own calendar id, then our write-back copy is left out and the rest blocks exactly', async () => {
    const result = await busyTimesOf(texts, {
      ownerZone: 'Europe/Berlin',
      window: YEAR_2026,
      ownCalendarId: 'cal_owner_1',
    });
    expect(iso(result.busy)).toEqual(iso(expected));
    expect(result).toMatchObject({ events: 8, skipped: 0 });
  });

  it('when read for another calendar, then the copy is someone else’s event and blocks', async () => {
    const result = await busyTimesOf(texts, { ownerZone: 'Europe/Berlin', window: YEAR_2026, ownCalendarId: 'other' });
    expect(iso(result.busy)).toEqual(
      iso([...expected, utc('2026-02-16T10:00', '2026-02-16T10:30')].sort((a, b) => a.start - b.start)),
    );
  });

  it('when an event carries our calendar id but no event id of ours as UID, then it is no copy of ours and blocks', async () => {
    const forged = texts.map((text) =>
      text.replace('UID:665f1c2b9d3e4a0012345678', 'UID:invite-from-anyone@example.com'),
    );
    const result = await busyTimesOf(forged, {
      ownerZone: 'Europe/Berlin',
      window: YEAR_2026,
      ownCalendarId: 'cal_owner_1',
    });
    expect(iso(result.busy)).toEqual(
      iso([...expected, utc('2026-02-16T10:00', '2026-02-16T10:30')].sort((a, b) => a.start - b.start)),
    );
  });

  it('when UIDs are ignored, then their series and overrides are left out', async () => {
    const result = await busyTimesOf(texts, {
      ownerZone: 'Europe/Berlin',
      window: YEAR_2026,
      ownCalendarId: 'cal_owner_1',
      ignoreUids: new Set(['d3b07384-d9a0-4c9b-8a7e-1f2e3d4c5b6a', 'e4d909c2-90d0-4b8a-9c4f-2a1b3c4d5e6f']),
    });
    expect(iso(result.busy)).toEqual(
      iso([
        utc('2026-02-10T08:00', '2026-02-10T09:00'),
        utc('2026-03-25T17:00', '2026-03-25T18:00'),
        utc('2026-03-29T10:00', '2026-03-29T11:00'),
        utc('2026-04-08T16:00', '2026-04-08T17:00'),
      ]),
    );
  });
});
