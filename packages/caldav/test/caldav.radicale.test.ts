import { outboundClient, type OutboundClient } from '@slotkeeper/outbound-http';
import { describeWithRadicale, startRadicale, type Radicale } from '@slotkeeper/testing/radicale';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SourceError } from '../src/index.js';
import { deleteEvent, fetchCalDav, putEvent, type Prior, type SourceCredentials } from '../src/index.js';
import { eventIcs, failureOf, uidsOf } from './events.js';

const WINDOW = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };

describeWithRadicale('CalDAV against Radicale', () => {
  let radicale: Radicale;
  let client: OutboundClient;
  let alice: SourceCredentials;

  beforeAll(async () => {
    radicale = await startRadicale();
    // Radicale listens on 127.0.0.1: allowed here, as ALLOW_PRIVATE_URLS=true would.
    client = outboundClient({ allowPrivate: true });
    alice = { username: radicale.username, password: radicale.password };
  });
  afterAll(async () => {
    await client?.close();
    await radicale?.stop();
  });

  /** A new collection holding the given events, each PUT through putEvent. */
  async function collectionWith(name: string, events: Record<string, string>): Promise<string> {
    const collection = await radicale.collection(name);
    for (const [uid, ics] of Object.entries(events)) await putEvent(client, collection, alice, uid, ics);
    return collection;
  }

  it('gives the calendar data of the events that overlap the window widened by a day, with the ctag and sync-token', async () => {
    const collection = await collectionWith('overlap', {
      inside: eventIcs('inside', '20261205T090000Z', '20261205T100000Z'),
      'half-day-before': eventIcs('half-day-before', '20261130T100000Z', '20261130T110000Z'),
      'weekly-into-window': eventIcs('weekly-into-window', '20261001T090000Z', '20261001T093000Z', {
        rrule: 'FREQ=WEEKLY;COUNT=20',
      }),
      'weekly-ended': eventIcs('weekly-ended', '20261001T090000Z', '20261001T093000Z', {
        rrule: 'FREQ=WEEKLY;COUNT=3',
      }),
      'in-march': eventIcs('in-march', '20270301T090000Z', '20270301T100000Z'),
    });

    const fetched = await fetchCalDav(client, collection, alice, {}, WINDOW);

    expect(fetched.changed).toBe(true);
    if (!fetched.changed) return;
    expect(uidsOf(fetched.texts)).toEqual(['half-day-before', 'inside', 'weekly-into-window']);
    expect(fetched.texts.every((text) => text.includes('BEGIN:VCALENDAR'))).toBe(true);
    expect(fetched.prior.ctag).toEqual(expect.any(String));
    expect(fetched.prior.syncToken).toMatch(/^http:\/\/radicale\.org\/ns\/sync\//);
  });

  it('answers unchanged while the collection is unchanged, and changed after a put or a delete', async () => {
    const collection = await collectionWith('changes', {
      first: eventIcs('first', '20261203T090000Z', '20261203T100000Z'),
      second: eventIcs('second', '20261204T090000Z', '20261204T100000Z'),
    });
    const initial = await fetchCalDav(client, collection, alice, {}, WINDOW);
    if (!initial.changed) throw new Error('the first fetch must give the events');

    expect(await fetchCalDav(client, collection, alice, initial.prior, WINDOW)).toEqual({ changed: false });

    await putEvent(client, collection, alice, 'second', eventIcs('second', '20261204T140000Z', '20261204T150000Z'));
    const moved = await fetchCalDav(client, collection, alice, initial.prior, WINDOW);
    if (!moved.changed) throw new Error('a replaced event must show as a change');
    expect(uidsOf(moved.texts)).toEqual(['first', 'second']);
    expect(moved.texts.find((t) => t.includes('UID:second'))).toContain('DTSTART:20261204T140000Z');
    expect(moved.prior.ctag).not.toBe(initial.prior.ctag);

    await deleteEvent(client, collection, alice, 'first');
    const deleted = await fetchCalDav(client, collection, alice, moved.prior, WINDOW);
    if (!deleted.changed) throw new Error('a deletion must show as a change');
    expect(uidsOf(deleted.texts)).toEqual(['second']);
  });

  it('fetches everything again when the prior is only half right', async () => {
    const collection = await collectionWith('half', { one: eventIcs('one', '20261203T090000Z', '20261203T100000Z') });
    const initial = await fetchCalDav(client, collection, alice, {}, WINDOW);
    if (!initial.changed) throw new Error('the first fetch must give the events');
    const stale: Prior = { ...initial.prior, syncToken: 'http://radicale.org/ns/sync/stale' };

    const again = await fetchCalDav(client, collection, alice, stale, WINDOW);

    expect(again.changed && uidsOf(again.texts)).toEqual(['one']);
  });

  it('deletes an event that is already gone without complaint', async () => {
    const collection = await radicale.collection('gone');

    await expect(deleteEvent(client, collection, alice, 'never-there')).resolves.toBeUndefined();
  });

  // Not a slash: WSGI servers (Radicale) decode %2F before routing, so no encoding keeps one in a
  // segment; our UIDs are event ids, which have none.
  it('keeps a UID with spaces, a question mark and a hash inside one member of the collection', async () => {
    const uid = 'booking 42 at 9?am#1@slotkeeper';
    const collection = await collectionWith('odd-uids', {
      [uid]: eventIcs(uid, '20261210T090000Z', '20261210T100000Z'),
    });

    const fetched = await fetchCalDav(client, collection, alice, {}, WINDOW);
    expect(fetched.changed && uidsOf(fetched.texts)).toEqual([uid]);

    await deleteEvent(client, collection, alice, uid);
    const after = await fetchCalDav(client, collection, alice, {}, WINDOW);
    expect(after.changed && after.texts).toEqual([]);
  });

  it('takes a collection URL without its trailing slash', async () => {
    const collection = await collectionWith('no-slash', {
      one: eventIcs('one', '20261203T090000Z', '20261203T100000Z'),
    });

    const fetched = await fetchCalDav(client, collection.replace(/\/$/, ''), alice, {}, WINDOW);

    expect(fetched.changed && uidsOf(fetched.texts)).toEqual(['one']);
  });

  it('reports a wrong password as an auth error that names neither the password nor the path', async () => {
    const collection = await radicale.collection('secret-calendar-name');
    const wrong = { username: alice.username, password: 'not-the-password-xyz' };

    const errors = await Promise.all([
      failureOf(fetchCalDav(client, collection, wrong, {}, WINDOW)),
      failureOf(putEvent(client, collection, wrong, 'x', eventIcs('x', '20261203T090000Z', '20261203T100000Z'))),
      failureOf(deleteEvent(client, collection, wrong, 'x')),
    ]);

    for (const error of errors) {
      expect(error).toMatchObject({ kind: 'auth', status: 401 });
      expectSafe(error, [wrong.password, alice.password, 'secret-calendar-name', '/alice']);
    }
  });

  it('reports another user’s collection as an auth error', async () => {
    const error = await failureOf(fetchCalDav(client, `${radicale.url}/bob/work/`, alice, {}, WINDOW));

    expect(error).toMatchObject({ kind: 'auth', status: 403 });
  });

  it('reports a collection that is not a calendar, an event’s own URL and a missing collection', async () => {
    const collection = await collectionWith('members', {
      member: eventIcs('member', '20261203T090000Z', '20261203T100000Z'),
    });
    const attempts = {
      principal: `${radicale.url}/alice/`,
      event: `${collection}member.ics`,
      missing: `${radicale.url}/alice/no-such-calendar/`,
    };

    const kinds = Object.fromEntries(
      await Promise.all(
        Object.entries(attempts).map(async ([name, url]) => {
          const error = await failureOf(fetchCalDav(client, url, alice, {}, WINDOW));
          expectSafe(error, [alice.password, 'no-such-calendar', 'member', '/alice']);
          return [name, error.kind];
        }),
      ),
    );

    expect(kinds).toEqual({ principal: 'not_calendar', event: 'not_calendar', missing: 'not_found' });
  });

  it('refuses Radicale’s private address when private addresses are not allowed', async () => {
    const collection = await radicale.collection('private');
    const strict = outboundClient({ allowPrivate: false });
    try {
      const error = await failureOf(fetchCalDav(strict, collection, alice, {}, WINDOW));

      expect(error).toMatchObject({ kind: 'refused' });
      expectSafe(error, [alice.password, '/alice', 'private/']);
    } finally {
      await strict.close();
    }
  });
});

function expectSafe(error: SourceError, secrets: string[]): void {
  for (const secret of secrets) expect(error.message).not.toContain(secret);
}
