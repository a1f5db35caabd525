import { randomBytes } from 'node:crypto';
import { IDENTITY_HEADER, internalKeys, signIdentity } from '@slotkeeper/auth';
import { API_ROUTES } from '@slotkeeper/contracts';
import { silentLogger } from '@slotkeeper/observability';
import { buildUserApp, MemoryUserRepository } from '@slotkeeper/user-service';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { memoryBookingApp } from './booking-app.js';
import { harness, useHarness, type Harness } from './harness.js';

const h = useHarness();

describe('a service reached without the gateway', () => {
  const keys = internalKeys(randomBytes(32).toString('hex'));
  const clock = new ManualClock('2030-06-01T00:00:00Z');
  const users = buildUserApp({
    users: new MemoryUserRepository(),
    clock,
    logger: silentLogger(),
    identityKey: keys.identity,
  });
  const forUser = (userId: string) => ({ kind: 'user', userId }) as const;

  it('when the identity header is missing, made up, altered, signed with another secret or stale, then it refuses with 401', async () => {
    const created = await users.inject({
      method: 'POST',
      url: '/api/user/users',
      headers: { [IDENTITY_HEADER]: signIdentity({ kind: 'anonymous' }, keys.identity) },
      payload: { name: 'Ann', email: 'ann@example.com' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const genuine = signIdentity(forUser(id), keys.identity);
    const [version, , signature] = genuine.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ kind: 'service', service: 'x', exp: Date.now() + 60_000 }),
    ).toString('base64url');
    const forged = [
      undefined,
      JSON.stringify(forUser(id)),
      `${version}.${forgedPayload}.${signature}`,
      signIdentity(forUser(id), internalKeys('a secret someone guessed, long enough').identity),
      signIdentity(forUser(id), keys.identity, Date.now() - 120_000),
    ];
    for (const header of forged) {
      const response = await users.inject({
        method: 'GET',
        url: `/api/user/users/${id}`,
        headers: header === undefined ? {} : { [IDENTITY_HEADER]: header },
      });
      expect(response.statusCode, String(header)).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const real = await users.inject({
      method: 'GET',
      url: `/api/user/users/${id}`,
      headers: { [IDENTITY_HEADER]: genuine },
    });
    expect(real.statusCode).toBe(200);
    // Even a public route of a service wants the gateway's word: nothing reaches it directly.
    const direct = await users.inject({
      method: 'POST',
      url: '/api/user/users',
      payload: { name: 'B', email: 'b@example.com' },
    });
    expect(direct.statusCode).toBe(401);
  });

  it('when the booking service is asked directly for an event list with a made-up user, then it refuses', async () => {
    const { app: booking } = await memoryBookingApp(keys, { clock });
    const response = await booking.inject({
      method: 'GET',
      url: '/api/calendar/calendars/0123456789abcdef01234567/events',
      headers: { [IDENTITY_HEADER]: JSON.stringify(forUser('0123456789abcdef01234567')) },
    });
    expect(response.statusCode).toBe(401);
  });

  it('when a client sends its own identity header to the gateway, then the gateway drops it', async () => {
    const owner = await h.user();
    const forged = signIdentity(forUser(owner.id), internalKeys('not the system secret, but long').identity);
    const response = await h.send('GET', `/api/user/users/${owner.id}`, undefined, {
      authorization: '',
      [IDENTITY_HEADER]: forged,
    });
    expect(response.status).toBe(401);
  });
});

describe('the edge', () => {
  it('limits each client address per minute: 429 problem+json with Retry-After', async () => {
    const limited = await harness('2030-06-01T00:00:00Z', { rateLimitPerMinute: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await limited.send('GET', '/api/calendar/compare'));
    expect(statuses.map((r) => r.status)).toEqual([400, 400, 400, 429]);
    const refused = statuses[3]!;
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ status: 429, title: 'Too many requests' });
    await limited.gateway.close();
  });

  it('counts per client address: X-Forwarded-For only from a trusted proxy', async () => {
    const from = (h: Harness, client: string) =>
      h.send('GET', '/api/calendar/compare', undefined, { 'x-forwarded-for': client });
    const direct = await harness('2030-06-01T00:00:00Z', { rateLimitPerMinute: 2 });
    const statuses = [await from(direct, '10.0.0.1'), await from(direct, '10.0.0.2'), await from(direct, '10.0.0.3')];
    // Not trusted: a client cannot buy itself a fresh budget by naming another address.
    expect(statuses.map((r) => r.status)).toEqual([400, 400, 429]);
    await direct.gateway.close();

    const proxied = await harness('2030-06-01T00:00:00Z', { rateLimitPerMinute: 2, trustProxy: ['127.0.0.1'] });
    const a = [await from(proxied, '10.0.0.1'), await from(proxied, '10.0.0.1'), await from(proxied, '10.0.0.1')];
    expect(a.map((r) => r.status)).toEqual([400, 400, 429]);
    expect((await from(proxied, '10.0.0.2')).status).toBe(400);
    await proxied.gateway.close();
  });

  it('sends security headers, and no-store on API answers', async () => {
    const owner = await h.user();
    const response = await h.send('GET', `/api/user/users/${owner.id}`);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('documents the security of every route in the OpenAPI document', async () => {
    const doc = (await h.send('GET', '/docs/json')).body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'cancelToken']);
    for (const route of API_ROUTES) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const operation = doc.paths[path][route.method.toLowerCase()];
      const expected = {
        public: [],
        owner: [{ apiKey: [] }],
        'owner-or-cancel-token': [{ apiKey: [] }, { cancelToken: [] }],
      }[route.access];
      expect(operation.security, `${route.method} ${route.path}`).toEqual(expected);
      if (route.access !== 'public')
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });
});
