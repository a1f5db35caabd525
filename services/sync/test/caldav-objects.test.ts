/** A CalDAV read's busy set from its objects: expanded each alone, merged with the stored ones. No I/O. */
import { IcsParseError } from '@slotkeeper/icalendar';
import { describe, expect, it } from 'vitest';
import { caldavBusy } from '../src/adapters/caldav-objects.js';
import type { ObjectBusy, ReadRequest } from '../src/domain/busy-source.js';
import { CAL, ics, tomorrowAt } from './sync-system.js';

const DAY = 86_400_000;
const window = { start: tomorrowAt(0) - DAY, end: tomorrowAt(0) + 30 * DAY };
const request = (stored: ObjectBusy[] = []): ReadRequest => ({
  kind: 'caldav',
  url: 'https://dav.example/c/',
  credentials: null,
  prior: {},
  window,
  ownerZone: 'Asia/Kolkata',
  calendarId: CAL,
  storedObjects: async () => stored,
});
const hour = (h: number): [number, number] => [tomorrowAt(h), tomorrowAt(h + 1)];
const object = (href: string, ...events: Array<[number, number]>) => ({ href, etag: '"1"', text: ics(...events) });
const interval = ([start, end]: [number, number]) => ({ start, end });

describe('the busy set of a CalDAV read', () => {
  it('when read whole, then every object is expanded alone, kept only if it adds busy time, and the set is their union', async () => {
    const { busy, objects } = await caldavBusy(
      {
        changed: true,
        incremental: false,
        prior: {},
        objects: [
          object('/c/a.ics', hour(9), hour(10)),
          object('/c/b.ics', hour(10)),
          object('/c/outside.ics', [window.end + DAY, window.end + DAY + 3_600_000]),
        ],
      },
      request(),
    );

    expect(busy).toEqual([{ start: tomorrowAt(9), end: tomorrowAt(11) }]);
    expect(objects).toEqual({
      replace: true,
      objects: [
        { href: '/c/a.ics', etag: '"1"', busy: [{ start: tomorrowAt(9), end: tomorrowAt(11) }] },
        { href: '/c/b.ics', etag: '"1"', busy: [interval(hour(10))] },
      ],
    });
  });

  it('when read incrementally, then the changes replace their stored objects, and one that adds no busy time any more is removed', async () => {
    const stored = [
      { href: '/c/a.ics', etag: '"1"', busy: [interval(hour(9))] },
      { href: '/c/b.ics', etag: '"1"', busy: [interval(hour(12))] },
      { href: '/c/c.ics', etag: '"1"', busy: [interval(hour(14))] },
    ];

    const { busy, objects } = await caldavBusy(
      {
        changed: true,
        incremental: true,
        prior: {},
        upserts: [
          object('/c/a.ics', hour(16)),
          object('/c/b.ics', [window.end + DAY, window.end + DAY + 3_600_000]),
          object('/c/new.ics', hour(18)),
        ],
        deletions: ['/c/c.ics'],
      },
      request(stored),
    );

    expect(busy).toEqual([interval(hour(16)), interval(hour(18))]);
    expect(objects).toEqual({
      replace: false,
      upserts: [
        { href: '/c/a.ics', etag: '"1"', busy: [interval(hour(16))] },
        { href: '/c/new.ics', etag: '"1"', busy: [interval(hour(18))] },
      ],
      deletions: ['/c/c.ics', '/c/b.ics'],
    });
  });

  it('when an object is not iCalendar, then the read fails naming no path', async () => {
    const read = caldavBusy(
      {
        changed: true,
        incremental: false,
        prior: {},
        objects: [object('/c/a.ics', hour(9)), { href: '/c/secret-name.ics', etag: null, text: '<html>' }],
      },
      request(),
    );

    await expect(read).rejects.toThrow(IcsParseError);
    await expect(read).rejects.toThrow(/^one of its calendar objects is not iCalendar$/);
  });
});
