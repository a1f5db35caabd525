/**
 * CalDAV sources against a real server (Debian's Radicale): credentials sealed and opened for the
 * sync and for write-back, the collection's busy times published, our own write-back copies not
 * counted, a wrong password shown as failing.
 */
import type { BusySourceResponse } from '@slotkeeper/contracts';
import { putEvent } from '@slotkeeper/caldav';
import { outboundClient } from '@slotkeeper/outbound-http';
import { describeWithRadicale, startRadicale, type Radicale } from '@slotkeeper/testing/radicale';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { StoreWriteTargets } from '../src/adapters/write-targets.js';
import { CAL, ics, syncSystem, tomorrowAt, type SyncSystem } from './sync-system.js';

const meeting: [number, number] = [tomorrowAt(9), tomorrowAt(10)];
const copy: [number, number] = [tomorrowAt(14), tomorrowAt(15)];

/** A booking this calendar wrote back: marked as ours, so never busy time of the same calendar. */
// A copy as write-back makes it: one of our event ids as UID, and the calendar's mark.
const ownCopy = ics(copy)
  .replace(/^UID:.*$/m, 'UID:0123456789abcdef01234567')
  .replace('SUMMARY:Busy', `SUMMARY:Booked\r\nX-SLOTKEEPER-CALENDAR:${CAL}`);

describeWithRadicale('CalDAV busy sources on Radicale', () => {
  let radicale: Radicale;
  let sys: SyncSystem;
  const client = outboundClient({ allowPrivate: true });
  beforeAll(async () => {
    radicale = await startRadicale();
  });
  afterAll(async () => {
    await radicale?.stop();
    await client.close();
  });
  beforeEach(async () => {
    sys = await syncSystem({ syncIntervalMs: 200, pollMs: 20 });
  });
  afterEach(() => sys.close());

  const credentials = () => ({ username: radicale.username, password: radicale.password });

  it('when a collection is added with its credentials, then 201 ok with its busy times, not our own copies', async () => {
    const collection = await radicale.collection(`work-${Date.now()}`);
    await putEvent(client, collection, credentials(), 'meeting-1', ics(meeting));
    await putEvent(client, collection, credentials(), 'booking-1', ownCopy);

    const res = await sys.create({ kind: 'caldav', url: collection, ...credentials(), write_bookings: true });

    expect(res.statusCode).toBe(201);
    const source = res.json<BusySourceResponse>();
    expect(source).toMatchObject({ kind: 'caldav', status: 'ok', username: radicale.username, write_bookings: true });
    expect(sys.booking.of(source.id)).toMatchObject({ version: 1, busy: [meeting] });
    expect(sys.lines.join('')).not.toContain(radicale.password);
  });

  it('when an event is added to the collection, then the next sync publishes it', async () => {
    const collection = await radicale.collection(`later-${Date.now()}`);
    await putEvent(client, collection, credentials(), 'meeting-1', ics(meeting));
    const { id } = (await sys.create({ kind: 'caldav', url: collection, ...credentials() })).json<BusySourceResponse>();

    const lunch: [number, number] = [tomorrowAt(12), tomorrowAt(13)];
    await putEvent(client, collection, credentials(), 'lunch-1', ics(lunch));

    await vi.waitFor(() => expect(sys.booking.of(id)).toMatchObject({ version: 2, busy: [meeting, lunch] }), {
      timeout: 5_000,
    });
  });

  it('when the password is wrong, then 201 failing with an auth reason, and nothing is published', async () => {
    const collection = await radicale.collection(`wrong-${Date.now()}`);
    const res = await sys.create({ kind: 'caldav', url: collection, username: radicale.username, password: 'wrong' });
    expect(res.json()).toMatchObject({
      status: 'failing',
      last_error: expect.stringMatching(/401|user name or password/),
    });
    expect(sys.booking.state.heard).toEqual([]);
  });

  it('write-back targets are the write_bookings collections, with their passwords opened', async () => {
    const collection = await radicale.collection(`targets-${Date.now()}`);
    const written = (
      await sys.create({ kind: 'caldav', url: collection.replace(/\/$/, ''), ...credentials(), write_bookings: true })
    ).json<BusySourceResponse>();
    await sys.create({ kind: 'caldav', url: collection, ...credentials() });

    const stored = new StoreWriteTargets(sys.sources, sys.secrets);
    const targets = await Promise.all((await stored.sourceIdsFor(CAL)).map((id) => stored.target(id)));

    // The URL as the owner gave it: putEvent and deleteEvent read it as a collection.
    expect(targets).toEqual([
      { sourceId: written.id, calendarId: CAL, url: collection.replace(/\/$/, ''), credentials: credentials() },
    ]);
  });
});
