import { describe, expect, it } from 'vitest';
import { errorPaths, NINE, NINE_THIRTY, useHarness } from './harness.js';

const h = useHarness();

const UNKNOWN = '0123456789abcdef01234567';
const TEN = '2030-06-24T10:00:00+02:00';
const TEN_THIRTY = '2030-06-24T10:30:00+02:00';
const ELEVEN = '2030-06-24T11:00:00+02:00';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const reschedule = (eventId: string, start: string, end: string, headers: Record<string, string> = {}) =>
  h.send('POST', `/api/event/events/${eventId}/reschedule`, { start_time: start, end_time: end }, headers);

/** A bookable calendar with one event at 09:00–09:30 Berlin. */
async function booked() {
  const { cal, owner } = await h.bookable();
  const event = await h.book(cal.id, NINE, NINE_THIRTY);
  expect(event.status).toBe(201);
  return { cal, owner, event: event.body as { id: string; cancel_token: string } };
}

describe('POST /api/event/events/:event_id/reschedule', () => {
  it('when the owner moves an event, then it answers the event at its new time, and the old time is free at once', async () => {
    const { cal, event } = await booked();
    const res = await reschedule(event.id, TEN, TEN_THIRTY);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: event.id,
      start_time: '2030-06-24T08:00:00.000Z',
      end_time: '2030-06-24T08:30:00.000Z',
      status: 'confirmed',
    });
    expect(res.body).not.toHaveProperty('cancel_token');
    expect((await h.send('GET', `/api/event/events/${event.id}`)).body.start_time).toBe('2030-06-24T08:00:00.000Z');
    expect((await h.book(cal.id, NINE, NINE_THIRTY)).status).toBe(201);
    expect((await h.book(cal.id, TEN, TEN_THIRTY)).status).toBe(409);
  });

  it('when the booker sends the event’s cancel token, then it moves; another event’s token is 403', async () => {
    const { cal, event } = await booked();
    const other = (await h.book(cal.id, ELEVEN, '2030-06-24T11:30:00+02:00')).body as { cancel_token: string };
    expect((await reschedule(event.id, TEN, TEN_THIRTY, bearer(other.cancel_token))).status).toBe(403);
    const res = await reschedule(event.id, TEN, TEN_THIRTY, bearer(event.cancel_token));
    expect(res.status).toBe(200);
    expect(res.body.start_time).toBe('2030-06-24T08:00:00.000Z');
    expect((await reschedule(event.id, TEN, TEN_THIRTY, { authorization: '' })).status).toBe(401);
  });

  it('when the new time overlaps only its own old time, then it moves', async () => {
    const { event } = await booked();
    const res = await reschedule(event.id, '2030-06-24T09:15:00+02:00', '2030-06-24T09:45:00+02:00');
    expect(res.status).toBe(200);
    expect(res.body.start_time).toBe('2030-06-24T07:15:00.000Z');
  });

  it('when the body or the id is malformed, then 400 names every bad field', async () => {
    const { event } = await booked();
    const backwards = await reschedule(event.id, TEN_THIRTY, TEN);
    expect(backwards.status).toBe(400);
    expect(errorPaths(backwards.body)).toEqual(['end_time']);
    const bad = await h.send('POST', `/api/event/events/${event.id}/reschedule`, {
      start_time: '2030-06-24T10:00:00',
      title: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await reschedule('not-an-id', TEN, TEN_THIRTY)).status).toBe(400);
  });

  it('when the event is unknown, then 404', async () => {
    const { owner } = await booked();
    const res = await reschedule(UNKNOWN, TEN, TEN_THIRTY, { authorization: `Bearer ${String(owner.api_key)}` });
    expect(res.status).toBe(404);
  });

  it('when the new time overlaps another event, then 409 and the event keeps its time', async () => {
    const { cal, event } = await booked();
    expect((await h.book(cal.id, TEN, TEN_THIRTY)).status).toBe(201);
    const res = await reschedule(event.id, '2030-06-24T10:15:00+02:00', '2030-06-24T10:45:00+02:00');
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await h.send('GET', `/api/event/events/${event.id}`)).body.start_time).toBe('2030-06-24T07:00:00.000Z');
  });

  it('when the new time is not bookable, then 422 and the event keeps its time', async () => {
    const { event } = await booked();
    expect((await reschedule(event.id, '2030-06-24T12:00:00+02:00', '2030-06-24T12:30:00+02:00')).status).toBe(422);
    expect((await reschedule(event.id, TEN, ELEVEN)).status).toBe(422);
    expect((await reschedule(event.id, '2030-05-27T10:00:00+02:00', '2030-05-27T10:30:00+02:00')).status).toBe(422);
    expect((await h.send('GET', `/api/event/events/${event.id}`)).body.start_time).toBe('2030-06-24T07:00:00.000Z');
  });

  it('when the event is canceled, then 409', async () => {
    const { event } = await booked();
    expect((await h.send('DELETE', `/api/event/events/${event.id}`)).status).toBe(204);
    expect((await reschedule(event.id, TEN, TEN_THIRTY)).status).toBe(409);
    expect((await h.send('GET', `/api/event/events/${event.id}`)).body).toMatchObject({
      status: 'canceled',
      start_time: '2030-06-24T07:00:00.000Z',
    });
  });

  it('when a keyed reschedule is retried, then the original answer comes back; the key with other times is 422', async () => {
    const { event } = await booked();
    const key = { 'idempotency-key': 'move-once' };
    const first = await reschedule(event.id, TEN, TEN_THIRTY, key);
    expect(first.status).toBe(200);
    expect((await reschedule(event.id, ELEVEN, '2030-06-24T11:30:00+02:00')).status).toBe(200);
    const again = await reschedule(event.id, TEN, TEN_THIRTY, key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await reschedule(event.id, '2030-06-24T14:00:00+02:00', '2030-06-24T14:30:00+02:00', key)).status).toBe(
      422,
    );
    expect((await h.send('GET', `/api/event/events/${event.id}`)).body.start_time).toBe('2030-06-24T09:00:00.000Z');
  });
});
