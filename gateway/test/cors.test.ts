import { randomBytes } from 'node:crypto';
import { cancelToken, newApiKey } from '@slotkeeper/auth';
import { silentLogger } from '@slotkeeper/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../src/gateway-app.js';
import { fakeService, json } from './fake-services.js';

const LISTED = 'https://app.example.com';
const ELSEWHERE = 'https://elsewhere.example';
const OWNER = '0123456789abcdef01234567';
const EVENT = '89abcdef0123456789abcdef';
const apiKey = newApiKey(OWNER).token;
const eventToken = cancelToken(EVENT, randomBytes(32)).token;

/** Every service answers 200 `{}`; the user service knows the one key; a user of id `…000` is unknown. */
const service = fakeService(({ url }) => {
  if (url === '/internal/authenticate') return json(200, { user_id: OWNER });
  if (url.includes('ffffffffffffffffffffffff')) return json(404, { status: 404, title: 'Not found' });
  return json(200, {});
});

type Gateway = Awaited<ReturnType<typeof buildGateway>>;
type Answer = Awaited<ReturnType<Gateway['inject']>>;

const corsHeaders = (response: Answer) =>
  Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));

const expectAnyOrigin = (response: Answer) => {
  expect(response.headers['access-control-allow-origin']).toBe('*');
  expect(response.headers).not.toHaveProperty('access-control-allow-credentials');
};

const expectListedOrigin = (response: Answer) => {
  expect(response.headers['access-control-allow-origin']).toBe(LISTED);
  expect(response.headers['access-control-allow-credentials']).toBe('true');
  expect(response.headers.vary).toContain('Origin');
};

const expectProblem = (response: Answer, status: number) => {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.json()).toMatchObject({ status });
};

describe('CORS at the gateway', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await buildGateway({
      logger: silentLogger(),
      identityKey: randomBytes(32),
      upstreams: {
        user: service,
        schedule: service,
        calendar: service,
        booking: service,
        sync: service,
        webhook: service,
      },
      corsOrigins: [LISTED],
    });
  });
  afterAll(() => gateway.close());

  const preflight = (url: string, origin: string, method: string, headers = 'content-type') =>
    gateway.inject({
      method: 'OPTIONS',
      url,
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
    });

  describe('public routes', () => {
    it('when a page of any origin books, then the answer is open to it, without credentials', async () => {
      const response = await gateway.inject({
        method: 'POST',
        url: '/api/event/events',
        headers: { origin: ELSEWHERE, 'content-type': 'application/json' },
        payload: {},
      });
      expect(response.statusCode).toBe(200);
      expectAnyOrigin(response);
      expect(response.headers['access-control-expose-headers']).toContain('x-request-id');
      expect(response.headers['access-control-expose-headers']).toContain('link');
    });

    it('when a page of any origin asks before booking, then the preflight is 204 and allows that call', async () => {
      const response = await preflight('/api/event/events', ELSEWHERE, 'POST', 'content-type,idempotency-key');
      expect(response.statusCode).toBe(204);
      expectAnyOrigin(response);
      expect(response.headers['access-control-allow-methods']).toBe('POST');
      expect(response.headers['access-control-allow-headers']).toContain('idempotency-key');
      expect(response.headers['access-control-max-age']).toBeDefined();
    });

    it('when the path has a trailing slash, then it is the same route', async () => {
      const response = await preflight(
        '/api/calendar/calendars/0123456789abcdef01234567/availability/',
        ELSEWHERE,
        'GET',
      );
      expect(response.statusCode).toBe(204);
      expectAnyOrigin(response);
    });

    it.each(['/health', '/docs/json'])('when a page of any origin reads %s, then it may', async (url) => {
      const response = await gateway.inject({ method: 'GET', url, headers: { origin: ELSEWHERE } });
      expectAnyOrigin(response);
      expectAnyOrigin(await preflight(url, ELSEWHERE, 'GET'));
    });
  });

  describe('owner routes', () => {
    const getUser = (origin: string, authorization = `Bearer ${apiKey}`) =>
      gateway.inject({ method: 'GET', url: `/api/user/users/${OWNER}`, headers: { origin, authorization } });

    it('when a page of a listed origin calls one, then the answer is open to that origin, with credentials', async () => {
      const response = await getUser(LISTED);
      expect(response.statusCode).toBe(200);
      expectListedOrigin(response);
    });

    it('when a page of a listed origin asks first, then the preflight is 204 and allows the call', async () => {
      const response = await preflight(`/api/user/users/${OWNER}`, LISTED, 'GET', 'authorization');
      expect(response.statusCode).toBe(204);
      expectListedOrigin(response);
      expect(response.headers['access-control-allow-methods']).toBe('GET');
      expect(response.headers['access-control-allow-headers']).toContain('authorization');
    });

    it('when a page of another origin calls one, then the answer carries no CORS headers', async () => {
      const response = await getUser(ELSEWHERE);
      expect(response.statusCode).toBe(200);
      expect(corsHeaders(response)).toEqual([]);
    });

    it('when a page of another origin asks first, then the preflight is 204 and allows nothing', async () => {
      for (const [origin, method] of [
        [ELSEWHERE, 'GET'],
        [ELSEWHERE, 'get'],
        [ELSEWHERE, 'HEAD'],
        ['null', 'GET'],
        [`${LISTED}:8443`, 'GET'],
      ] as const) {
        const response = await preflight(`/api/user/users/${OWNER}`, origin, method, 'authorization');
        expect(response.statusCode).toBe(204);
        expect(corsHeaders(response)).toEqual([]);
      }
    });

    it('when a listed page is refused (the gateway says 401, the service 404), then it can still read the problem', async () => {
      const unauthenticated = await getUser(LISTED, 'Basic b3duZXI6c2VjcmV0');
      expectProblem(unauthenticated, 401);
      expectListedOrigin(unauthenticated);
      const unknown = await gateway.inject({
        method: 'GET',
        url: '/api/user/users/ffffffffffffffffffffffff',
        headers: { origin: LISTED, authorization: `Bearer ${apiKey}` },
      });
      expectProblem(unknown, 404);
      expectListedOrigin(unknown);
    });
  });

  describe('event routes a cancel token opens', () => {
    it('when a booking page of any origin reads the event with its token, then the answer is open to it', async () => {
      const response = await gateway.inject({
        method: 'GET',
        url: `/api/event/events/${EVENT}`,
        headers: { origin: ELSEWHERE, authorization: `Bearer ${eventToken}` },
      });
      expect(response.statusCode).toBe(200);
      expectAnyOrigin(response);
    });

    it('when a booking page of any origin asks before cancelling, then the preflight allows it', async () => {
      const response = await preflight(`/api/event/events/${EVENT}`, ELSEWHERE, 'DELETE', 'authorization');
      expect(response.statusCode).toBe(204);
      expectAnyOrigin(response);
      expect(response.headers['access-control-allow-methods']).toBe('DELETE');
    });
  });

  describe('what no route serves', () => {
    it('when a preflight names a method the path does not serve, or an unknown path, then 204 allowing nothing', async () => {
      for (const [url, method] of [
        ['/api/user/users', 'DELETE'],
        ['/api/nowhere', 'GET'],
      ] as const) {
        const response = await preflight(url, ELSEWHERE, method);
        expect(response.statusCode).toBe(204);
        expect(corsHeaders(response)).toEqual([]);
      }
    });

    it('when an OPTIONS is no preflight, then the path still answers 405 with Allow, as problem+json', async () => {
      const response = await gateway.inject({ method: 'OPTIONS', url: '/api/user/users', headers: { origin: LISTED } });
      expectProblem(response, 405);
      expect(response.headers.allow).toBe('POST');
    });

    it('when a page calls an unknown path or a method the path does not serve, then 404 and 405 problems', async () => {
      const unknown = await gateway.inject({ method: 'GET', url: '/api/nowhere', headers: { origin: ELSEWHERE } });
      expectProblem(unknown, 404);
      const wrongMethod = await gateway.inject({ method: 'PUT', url: '/api/user/users', headers: { origin: LISTED } });
      expectProblem(wrongMethod, 405);
      expect(wrongMethod.headers.allow).toBe('POST');
      // Neither opens anything: they answer any origin, without credentials.
      expectAnyOrigin(unknown);
      expectAnyOrigin(wrongMethod);
    });
  });

  it('when the rate limit refuses a page, then it can read the 429 and its Retry-After', async () => {
    const limited = await buildGateway({
      logger: silentLogger(),
      identityKey: randomBytes(32),
      upstreams: {
        user: service,
        schedule: service,
        calendar: service,
        booking: service,
        sync: service,
        webhook: service,
      },
      rateLimitPerMinute: 1,
    });
    try {
      const call = () => limited.inject({ method: 'GET', url: '/health', headers: { origin: ELSEWHERE } });
      await call();
      const refused = await call();
      expectProblem(refused, 429);
      expectAnyOrigin(refused);
      expect(refused.headers['access-control-expose-headers']).toContain('retry-after');
    } finally {
      await limited.close();
    }
  });
});
