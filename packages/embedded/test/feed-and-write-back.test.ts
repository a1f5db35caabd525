/**
 * Bookings leave Slotkeeper, end to end through the gateway: the calendar's secret feed (read
 * back with ical.js) and the copies written to a CalDAV collection of a real Radicale server
 * (`write_bookings`), moved on reschedule and removed on cancel, never counted as busy time.
 */
import { describeWithRadicale, startRadicale, type Radicale } from '@slotkeeper/testing/radicale';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, NINE, NINE_THIRTY, useHarness, type Json } from './harness.js';

const h = useHarness();

const ELEVEN = '2030-06-24T11:00:00+02:00';
const ELEVEN_THIRTY = '2030-06-24T11:30:00+02:00';

/** Moves the event to 11:00–11:30 with its cancel token's authorization. */
const rescheduleToEleven = (id: string, token: { authorization: string }) =>
  h.send('POST', `/api/event/events/${id}/reschedule`, { start_time: ELEVEN, end_time: ELEVEN_THIRTY }, token);

/** The VEVENTs of an iCalendar text by UID: their SEQUENCE, STATUS and start. */
function events(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  return new Map(
    root.getAllSubcomponents('vevent').map((vevent) => [
      String(vevent.getFirstPropertyValue('uid')),
      {
        sequence: Number(vevent.getFirstPropertyValue('sequence') ?? 0),
        status: String(vevent.getFirstPropertyValue('status') ?? ''),
        start: (vevent.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
      },
    ]),
  );
}

describe("the calendar's feed", () => {
  let cal: Json;
  let feed: string;

  beforeAll(async () => {
    ({ cal } = await h.bookable());
    const created = await h.send('POST', `/api/calendar/calendars/${cal.id}/feed_token`);
    expect(created.status).toBe(201);
    const url = new URL(String(created.body.feed_url));
    expect(url.pathname).toBe(`/api/calendar/calendars/${cal.id}/feed.ics`);
    feed = `${url.pathname}${url.search}`;
  });

  const read = async () => {
    const res = await h.send('GET', feed, undefined, { authorization: '' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/calendar');
    return events(String(res.body));
  };

  it('when an event is booked, rescheduled and canceled, then the feed shows each change', async () => {
    const booked = await h.book(cal.id, NINE, NINE_THIRTY);
    expect(booked.status).toBe(201);
    const id = booked.body.id as string;
    await eventually(async () =>
      expect((await read()).get(id)).toEqual({ sequence: 0, status: 'CONFIRMED', start: '2030-06-24T07:00:00.000Z' }),
    );
    const token = { authorization: `Bearer ${String(booked.body.cancel_token)}` };
    const moved = await rescheduleToEleven(id, token);
    expect(moved.status).toBe(200);
    await eventually(async () =>
      expect((await read()).get(id)).toEqual({ sequence: 1, status: 'CONFIRMED', start: '2030-06-24T09:00:00.000Z' }),
    );
    expect((await h.send('DELETE', `/api/event/events/${id}`, undefined, token)).status).toBe(204);
    await eventually(async () => expect((await read()).get(id)).toMatchObject({ sequence: 2, status: 'CANCELLED' }));
  });

  it('when a new feed URL is made, then the old one answers 404, as does a wrong token', async () => {
    const renewed = await h.send('POST', `/api/calendar/calendars/${cal.id}/feed_token`);
    expect(renewed.status).toBe(201);
    expect((await h.send('GET', feed, undefined, { authorization: '' })).status).toBe(404);
    const fresh = new URL(String(renewed.body.feed_url));
    expect((await h.send('GET', `${fresh.pathname}${fresh.search}`, undefined, { authorization: '' })).status).toBe(
      200,
    );
    expect(
      (await h.send('GET', `${fresh.pathname}?token=not-the-token`, undefined, { authorization: '' })).status,
    ).toBe(404);
  });
});

describe("a deleted calendar's feed", () => {
  it('when the calendar is deleted, then its feed answers 404: its events and token are forgotten', async () => {
    const { cal } = await h.bookable();
    const created = await h.send('POST', `/api/calendar/calendars/${cal.id}/feed_token`);
    const url = new URL(String(created.body.feed_url));
    const feed = `${url.pathname}${url.search}`;
    expect((await h.send('GET', feed, undefined, { authorization: '' })).status).toBe(200);
    expect((await h.send('DELETE', `/api/calendar/calendars/${cal.id}`)).status).toBe(204);
    await eventually(async () =>
      expect((await h.send('GET', feed, undefined, { authorization: '' })).status).toBe(404),
    );
  });
});

describeWithRadicale('bookings written back to a CalDAV collection', () => {
  let radicale: Radicale;
  let collection: string;
  let cal: Json;
  let source: Json;
  const auth = () => ({
    authorization: `Basic ${Buffer.from(`${radicale.username}:${radicale.password}`).toString('base64')}`,
  });
  const copy = (eventId: string) => fetch(`${collection}${eventId}.ics`, { headers: auth() });
  const sourceNow = async () =>
    ((await h.send('GET', `/api/calendar/calendars/${cal.id}/busy_sources`)).body as Json[]).find(
      (listed) => listed.id === source.id,
    )!;

  beforeAll(async () => {
    radicale = await startRadicale();
    collection = await radicale.collection('work');
    ({ cal } = await h.bookable());
    const res = await h.send('POST', `/api/calendar/calendars/${cal.id}/busy_sources`, {
      kind: 'caldav',
      url: collection,
      username: radicale.username,
      password: radicale.password,
      write_bookings: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    source = res.body as Json;
    expect(source).toMatchObject({ status: 'ok', write_bookings: true, username: radicale.username });
    expect(JSON.stringify(source)).not.toContain(radicale.password);
  }, 60_000);
  afterAll(() => radicale?.stop());

  it('when an event is booked, moved and canceled, then its copy is written, moved and removed', async () => {
    const booked = await h.book(cal.id, NINE, NINE_THIRTY);
    expect(booked.status).toBe(201);
    const id = booked.body.id as string;
    await eventually(async () => {
      const res = await copy(id);
      expect(res.status).toBe(200);
      expect(events(await res.text()).get(id)).toMatchObject({ start: '2030-06-24T07:00:00.000Z' });
    });

    // A sync after the copy exists: the copy is ours, so it is no busy time of its own.
    const before = String((await sourceNow()).last_synced_at);
    h.clock.advance(6);
    await eventually(async () => expect(String((await sourceNow()).last_synced_at)).not.toBe(before), 15_000);

    const token = { authorization: `Bearer ${String(booked.body.cancel_token)}` };
    const moved = await rescheduleToEleven(id, token);
    expect(moved.status).toBe(200);
    // The old time is free at once: the copy the last sync read there did not count.
    const rebooked = await h.book(cal.id, NINE, NINE_THIRTY);
    expect(rebooked.status).toBe(201);
    await eventually(async () =>
      expect(events(await (await copy(id)).text()).get(id)).toMatchObject({
        sequence: 1,
        start: '2030-06-24T09:00:00.000Z',
      }),
    );

    expect((await h.send('DELETE', `/api/event/events/${id}`, undefined, token)).status).toBe(204);
    await eventually(async () => expect((await copy(id)).status).toBe(404));
  });
});
