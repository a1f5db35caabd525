import { randomBytes } from 'node:crypto';
import { newApiKey } from '@slotkeeper/auth';
import { API_ROUTES, apiRoutes, createEnvelope } from '@slotkeeper/contracts';
import type { UpstreamRequest } from '@slotkeeper/http-kit';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { afterEach, describe, expect, it } from 'vitest';
import { rotatesApiKey } from '../src/api-key-rotation.js';
import { buildGateway } from '../src/gateway-app.js';
import { fakeService, json } from './fake-services.js';

const ANN = '0123456789abcdef01234567';
const BOB = '89abcdef0123456789abcdef';

/** The user service: the keys it holds now, what it answers, and the keys the gateway asked about. */
function userService() {
  const keys = new Map<string, string>();
  const issue = (userId: string) => {
    const key = newApiKey(userId).token;
    keys.set(key, userId);
    return key;
  };
  const rotate = (userId: string) => {
    for (const [key, owner] of keys) if (owner === userId) keys.delete(key);
    return issue(userId);
  };
  const upstream = fakeService(({ method, url, body }: UpstreamRequest) => {
    if (url === '/internal/authenticate') {
      const userId = keys.get((JSON.parse(String(body)) as { api_key: string }).api_key);
      return userId ? json(200, { user_id: userId }) : json(401, { status: 401, title: 'Unauthorized' });
    }
    const rotation = /^\/api\/user\/users\/(\w+)\/api_key$/.exec(url);
    if (method === 'POST' && rotation) {
      if (rotation[1] === 'ffffffffffffffffffffffff') return json(404, { status: 404, title: 'Not found' });
      return json(201, { api_key: rotate(rotation[1]!) });
    }
    return json(200, { id: url.split('/').pop() });
  });
  const checks = () => upstream.requests.filter((request) => request.url === '/internal/authenticate').length;
  return { upstream, issue, rotate, checks };
}

type Gateway = Awaited<ReturnType<typeof buildGateway>>;

describe("the gateway's cache of verified api keys", () => {
  const gateways: Gateway[] = [];
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  });

  async function gatewayTo(users: ReturnType<typeof userService>, bus?: InProcessBus) {
    const other = fakeService(() => json(200, {}));
    const gateway = await buildGateway({
      logger: silentLogger(),
      identityKey: randomBytes(32),
      upstreams: {
        user: users.upstream,
        schedule: other,
        calendar: other,
        booking: other,
        sync: other,
        webhook: other,
      },
      ...(bus && { bus }),
    });
    gateways.push(gateway);
    return gateway;
  }
  const getUser = (gateway: Gateway, userId: string, key: string) =>
    gateway.inject({ method: 'GET', url: `/api/user/users/${userId}`, headers: { authorization: `Bearer ${key}` } });

  it('when a key was verified once, then the next request with it does not ask the user service again', async () => {
    const users = userService();
    const gateway = await gatewayTo(users);
    const key = users.issue(ANN);
    expect((await getUser(gateway, ANN, key)).statusCode).toBe(200);
    expect((await getUser(gateway, ANN, key)).statusCode).toBe(200);
    expect(users.checks()).toBe(1);
  });

  it('when ApiKeyRotated arrives, then every gateway on the bus asks again for that user’s keys, and the old key is refused', async () => {
    const users = userService();
    const bus = new InProcessBus({ logger: silentLogger() });
    const [first, second] = [await gatewayTo(users, bus), await gatewayTo(users, bus)];
    const [annKey, bobKey] = [users.issue(ANN), users.issue(BOB)];
    for (const gateway of [first!, second!]) {
      expect((await getUser(gateway, ANN, annKey)).statusCode).toBe(200);
      expect((await getUser(gateway, BOB, bobKey)).statusCode).toBe(200);
    }
    expect(users.checks()).toBe(4);

    // The user service replaces Ann's key, then announces it.
    users.rotate(ANN);
    await bus.publish(createEnvelope('ApiKeyRotated', { user_id: ANN }, new Date()));

    for (const gateway of [first!, second!]) {
      const refused = await getUser(gateway, ANN, annKey);
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      // Bob's key is still trusted: only Ann's were forgotten.
      expect((await getUser(gateway, BOB, bobKey)).statusCode).toBe(200);
    }
    expect(users.checks()).toBe(6);
  });

  it('when the gateway forwards a new api key (201), then it forgets the old one before answering', async () => {
    const users = userService();
    const gateway = await gatewayTo(users);
    const oldKey = users.issue(ANN);
    expect((await getUser(gateway, ANN, oldKey)).statusCode).toBe(200);

    const rotated = await gateway.inject({
      method: 'POST',
      url: `/api/user/users/${ANN}/api_key`,
      headers: { authorization: `Bearer ${oldKey}` },
    });
    expect(rotated.statusCode).toBe(201);
    const { api_key: newKey } = rotated.json<{ api_key: string }>();

    expect((await getUser(gateway, ANN, oldKey)).statusCode).toBe(401);
    expect((await getUser(gateway, ANN, newKey)).statusCode).toBe(200);
    expect(users.checks()).toBe(3);
  });

  it('when the rotation is refused, then the cached keys stay trusted', async () => {
    const users = userService();
    const gateway = await gatewayTo(users);
    const key = users.issue(ANN);
    await getUser(gateway, ANN, key);
    const refused = await gateway.inject({
      method: 'POST',
      url: '/api/user/users/ffffffffffffffffffffffff/api_key',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(refused.statusCode).toBe(404);
    expect((await getUser(gateway, ANN, key)).statusCode).toBe(200);
    expect(users.checks()).toBe(1);
  });
});

describe('which forwarded answers make the gateway forget keys', () => {
  it('when the routes are asked, then only the declared rotation rotates (not a PATCH of the user, nor its GET)', () => {
    expect(API_ROUTES.filter(rotatesApiKey)).toEqual([apiRoutes.rotateApiKey]);
  });
});
