import { describe, expect, it } from 'vitest';
import { errorPaths, NINE, NINE_THIRTY, useHarness } from './harness.js';

const h = useHarness();
const guests = (n: number) => Array.from({ length: n }, (_, i) => `guest${i}@example.com`);

describe('the booking body', () => {
  it('refuses more than 10 guests, as an array or a string, naming the field', async () => {
    const { cal } = await h.bookable();
    for (const sent of [guests(11), guests(11).join(',')]) {
      const res = await h.book(cal.id, NINE, NINE_THIRTY, { guests: sent });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'guests', message: 'at most 10 guests' }]);
    }
  });

  it('books with 10 guests sent as a string, stored de-duplicated and lower-cased', async () => {
    const { cal } = await h.bookable();
    const sent = [...guests(9), 'GUEST0@Example.com'].join(' , ');
    const res = await h.book(cal.id, NINE, NINE_THIRTY, { guests: sent });
    expect(res.status).toBe(201);
    expect(res.body.guests).toEqual(guests(9));
  });

  it('answers with booker_name and notes, and keeps them for every later read', async () => {
    const { cal } = await h.bookable();
    const sent = { booker_name: ' Ann Lee ', notes: 'About the offer\nand the price' };
    const booked = await h.book(cal.id, NINE, NINE_THIRTY, sent);
    expect(booked.status).toBe(201);
    const expected = { booker_name: 'Ann Lee', notes: 'About the offer\nand the price' };
    expect(booked.body).toMatchObject(expected);
    expect((await h.send('GET', `/api/event/events/${booked.body.id}`)).body).toMatchObject(expected);
    expect((await h.send('GET', `/api/calendar/calendars/${cal.id}/events`)).body).toMatchObject([expected]);
  });

  it('answers booker_name and notes as null when they were left out', async () => {
    const { cal } = await h.bookable();
    const booked = await h.book(cal.id, NINE, NINE_THIRTY);
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ booker_name: null, notes: null });
    expect((await h.send('GET', `/api/event/events/${booked.body.id}`)).body).toMatchObject({
      booker_name: null,
      notes: null,
    });
  });

  it('refuses an empty or too long booker_name and too long notes, naming each', async () => {
    const { cal } = await h.bookable();
    const empty = await h.book(cal.id, NINE, NINE_THIRTY, { booker_name: '  ', notes: 'x'.repeat(2001) });
    expect(empty.status).toBe(400);
    expect(errorPaths(empty.body)).toEqual(['booker_name', 'notes']);
    const long = await h.book(cal.id, NINE, NINE_THIRTY, { booker_name: 'x'.repeat(201) });
    expect(errorPaths(long.body)).toEqual(['booker_name']);
  });
});

describe('the events list query', () => {
  const list = async (query: string) => {
    const { cal } = await h.bookable();
    return h.send('GET', `/api/calendar/calendars/${cal.id}/events?${query}`);
  };

  it('refuses from after to with a 400 naming it', async () => {
    const res = await list('from=2030-06-25T00:00:00Z&to=2030-06-24T00:00:00Z');
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual(['querystring.to']);
  });

  it('takes an empty range, status and limit', async () => {
    expect((await list('from=2030-06-24T00:00:00Z&to=2030-06-24T00:00:00Z')).status).toBe(200);
    expect((await list('status=all&limit=500')).status).toBe(200);
    expect((await list('status=canceled&limit=1')).status).toBe(200);
  });

  it('refuses a cursor that no Link header gave, well-formed or not, with a 400 naming it', async () => {
    const res = await list('status=all&limit=500&cursor=abc_DEF-1.2~3');
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual(['querystring.cursor']);
  });

  it.each([
    ['status=pending', 'querystring.status'],
    ['limit=0', 'querystring.limit'],
    ['limit=501', 'querystring.limit'],
    ['limit=many', 'querystring.limit'],
    [`cursor=${'c'.repeat(201)}`, 'querystring.cursor'],
    ['cursor=a%0D%0ASet-Cookie:%20x', 'querystring.cursor'],
  ])('refuses %s with a 400 naming it', async (query, path) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual([path]);
  });
});
