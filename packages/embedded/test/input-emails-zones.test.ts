import { describe, expect, it } from 'vitest';
import { errorPaths, NINE, NINE_THIRTY, useHarness } from './harness.js';

const h = useHarness();

describe('emails through the API', () => {
  it.each([
    ['Sales=EU@Example.com', 'sales=eu@example.com'],
    ['Ivan@XN--E1AFMKFD.xn--p1ai', 'ivan@xn--e1afmkfd.xn--p1ai'],
    ["o'Brien+Offers@Mail.Example.co.uk", "o'brien+offers@mail.example.co.uk"],
  ])('creates a user with %s, stored and returned as %s', async (sent, stored) => {
    const res = await h.send('POST', '/api/user/users', { name: 'Ann', email: sent });
    expect(res.status).toBe(201);
    expect(res.body.email).toBe(stored);
    expect((await h.send('GET', `/api/user/users/${res.body.id}`)).body.email).toBe(stored);
  });

  it('treats the same address in another case as a duplicate (409)', async () => {
    expect((await h.send('POST', '/api/user/users', { name: 'A', email: 'team=de@example.org' })).status).toBe(201);
    expect((await h.send('POST', '/api/user/users', { name: 'A', email: 'TEAM=DE@Example.ORG' })).status).toBe(409);
  });

  it.each(['ann@localhost', 'ann@example', '"ann"@example.com', 'ann@exa_mple.com', 'änn@example.com'])(
    'refuses %s with a 400 naming the field',
    async (address) => {
      const res = await h.send('POST', '/api/user/users', { name: 'Ann', email: address });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'email', message: 'must be a valid email address' }]);
    },
  );

  it('books for such a booker and guests, stored lower-cased', async () => {
    const { cal } = await h.bookable();
    const res = await h.book(cal.id, NINE, NINE_THIRTY, {
      booked_by: 'Sales=EU@Example.com',
      guests: ['Ivan@xn--e1afmkfd.XN--P1AI', 'bob+cal@example.com'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      booked_by: 'sales=eu@example.com',
      guests: ['ivan@xn--e1afmkfd.xn--p1ai', 'bob+cal@example.com'],
    });
  });

  it('refuses a booking with a bad booker or guest, naming each', async () => {
    const { cal } = await h.bookable();
    const res = await h.book(cal.id, NINE, NINE_THIRTY, {
      booked_by: 'bob@localhost',
      guests: ['ok@example.com', 'x'],
    });
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual(['booked_by', 'guests.1']);
  });
});

describe('time zones through the API', () => {
  it('stores and returns a user’s zone in its canonical spelling', async () => {
    const res = await h.send('POST', '/api/user/users', {
      name: 'Ann',
      email: 'zone1@example.com',
      timezone: 'america/new_york',
    });
    expect(res.status).toBe(201);
    expect(res.body.timezone).toBe('America/New_York');
    expect((await h.send('GET', `/api/user/users/${res.body.id}`)).body.timezone).toBe('America/New_York');
  });

  it('spells UTC and links right, and keeps a link rather than swapping it for its zone', async () => {
    const zoneOf = async (timezone: string) =>
      (await h.send('POST', '/api/user/users', { name: 'A', email: `${Math.random()}@example.com`, timezone })).body
        .timezone;
    expect(await zoneOf('utc')).toBe('UTC');
    expect(await zoneOf('ETC/GMT+1')).toBe('Etc/GMT+1');
    expect(await zoneOf('asia/calcutta')).toBe('Asia/Calcutta');
    expect(await zoneOf('asia/kolkata')).toBe('Asia/Kolkata');
    expect(await zoneOf('us/eastern')).toBe('US/Eastern');
  });

  it('gives a schedule the user’s canonical zone by default, and canonicalises its own', async () => {
    const user = await h.user('europe/berlin');
    expect(user.timezone).toBe('Europe/Berlin');
    expect((await h.schedule(user.id)).timezone).toBe('Europe/Berlin');
    expect((await h.schedule(user.id, { timezone: 'asia/tokyo' })).timezone).toBe('Asia/Tokyo');
  });

  it('reads ?tz= in any case', async () => {
    const user = await h.user();
    const res = await h.send('GET', `/api/user/users/${user.id}?tz=asia/tokyo`);
    expect(res.status).toBe(200);
    expect(res.body.created_at).toBe('2030-06-01T09:00:00.000+09:00');
    const { cal } = await h.bookable();
    expect((await h.book(cal.id, NINE, NINE_THIRTY)).status).toBe(201);
    const events = await h.send('GET', `/api/calendar/calendars/${cal.id}/events?tz=AMERICA/NEW_YORK`);
    expect(events.body.map((e: { start_time: string }) => e.start_time)).toEqual(['2030-06-24T03:00:00.000-04:00']);
  });

  it('refuses an unknown zone with a 400 naming it, in a body or a query', async () => {
    const body = await h.send('POST', '/api/user/users', { name: 'A', email: 'z9@example.com', timezone: 'Mars/Base' });
    expect(body.status).toBe(400);
    expect(errorPaths(body.body)).toEqual(['timezone']);
    const user = await h.user();
    const query = await h.send('GET', `/api/user/users/${user.id}?tz=mars/base`);
    expect(query.status).toBe(400);
    expect(errorPaths(query.body)).toEqual(['querystring.tz']);
  });
});
