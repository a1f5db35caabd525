import { randomBytes } from 'node:crypto';
import { IDENTITY_HEADER, verifyIdentity } from '@slotkeeper/auth';
import { silentLogger } from '@slotkeeper/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../src/gateway-app.js';
import { fakeService, json } from './fake-services.js';

const KNOWN = '0123456789abcdef01234567';
const BROKEN = '0123456789abcdef0123dead';
const DOWN = '0123456789abcdef0123beef';
const PUBLIC = {
  id: KNOWN,
  name: 'Intro call',
  owner_name: 'Ann Lee',
  timezone: 'Europe/Berlin',
  meeting_duration_minutes: 30,
  slot_interval_minutes: null,
  booking_horizon_days: null,
  min_notice_minutes: 0,
};

describe("the gateway's booking pages asking the calendar service", () => {
  const identityKey = randomBytes(32);
  const calendar = fakeService(({ url }) => {
    if (url.includes(KNOWN)) return json(200, PUBLIC);
    if (url.includes(BROKEN)) return { statusCode: 200, headers: {}, body: '{ not json' };
    if (url.includes(DOWN)) return json(500, { title: 'boom' });
    return json(404, { title: 'Not Found' });
  });
  const unused = fakeService(() => json(500, {}));
  let gateway: Awaited<ReturnType<typeof buildGateway>>;
  beforeAll(async () => {
    gateway = await buildGateway({
      logger: silentLogger(),
      identityKey,
      upstreams: { user: unused, schedule: unused, booking: unused, sync: unused, webhook: unused, calendar },
    });
  });
  afterAll(() => gateway.close());

  it("when a calendar's page is asked for, then its public route is asked as an anonymous client, with the request id", async () => {
    const page = await gateway.inject({ method: 'GET', url: `/book/${KNOWN}`, headers: { 'x-request-id': 'page-1' } });

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Intro call');
    const asked = calendar.requests.at(-1)!;
    expect([asked.method, asked.url, asked.headers['x-request-id']]).toEqual([
      'GET',
      `/api/calendar/calendars/${KNOWN}/public`,
      'page-1',
    ]);
    expect(verifyIdentity(asked.headers[IDENTITY_HEADER], identityKey)).toEqual({ kind: 'anonymous' });
  });

  it.each([
    ['an unknown calendar', '0123456789abcdef0123ffff', 404],
    ['a service that answers 500', DOWN, 503],
    ['a service that answers what is not JSON', BROKEN, 503],
  ])('when the page is of %s, then it is a human HTML page with status %i', async (_case, id, status) => {
    const page = await gateway.inject({ method: 'GET', url: `/book/${id}` });

    expect([page.statusCode, page.headers['content-type']]).toEqual([status, 'text/html; charset=utf-8']);
    expect(page.body).toContain('<h1>');
  });

  it.each(['/book', '/book/', '/booking/'])(
    'when %s is asked for without an id, then the human 404 page',
    async (url) => {
      const page = await gateway.inject({ method: 'GET', url });

      expect([page.statusCode, page.headers['content-type']]).toEqual([404, 'text/html; charset=utf-8']);
    },
  );
});
