/**
 * Replacing an api key on the multi-process stack over the local RabbitMQ: the gateway that
 * forwards the rotation refuses the old key on the very next request; a second gateway
 * instance, which has the old key cached too, refuses it once ApiKeyRotated has reached it (the
 * broker's delivery time, measured here).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { brokerTarget } from '@slotkeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../stack/launch.js';
import { deleteStackTopology, eventually, freePortBlock } from './support.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] api key rotation on the stack: ${broker.reason}`);
afterAll(async () => {
  if ('stop' in broker) await broker.stop();
});

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Another gateway process in front of the same services, as a second instance behind a load balancer. */
async function startSecondGateway(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200), 60_000);
  return child;
}

describe.skipIf(!broker.url)('replacing an api key on the multi-process stack', () => {
  const prefix = `rot-${randomUUID().slice(0, 8)}`;
  let stack: Stack;
  let second: ChildProcess | undefined;
  let secondUrl: string;

  beforeAll(async () => {
    // The stack's gateway and services on base … base+6, the second gateway on base+7.
    const base = await freePortBlock(9);
    const env = {
      AMQP_URL: broker.url!,
      AMQP_PREFIX: prefix,
      INTERNAL_AUTH_SECRET: randomBytes(32).toString('base64url'),
    };
    stack = await startStack({ gatewayPort: base, basePort: base, env: { ...env, LOG_LEVEL: 'warn' } });
    const url = (i: number) => `http://127.0.0.1:${base + i}`;
    second = await startSecondGateway(base + 8, {
      ...env,
      USER_SERVICE_URL: url(1),
      SCHEDULE_SERVICE_URL: url(2),
      CALENDAR_SERVICE_URL: url(3),
      BOOKING_SERVICE_URL: url(4),
      SYNC_SERVICE_URL: url(6),
      WEBHOOK_SERVICE_URL: url(7),
    });
    secondUrl = url(8);
  }, 120_000);

  afterAll(async () => {
    if (second && second.exitCode === null) {
      const exited = new Promise((resolve) => second!.once('exit', resolve));
      second.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
    await deleteStackTopology(broker.url!, prefix);
  }, 60_000);

  const getUser = (gateway: string, userId: string, key: string) =>
    fetch(`${gateway}/api/user/users/${userId}`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

  it('when a key is replaced through one gateway, then it refuses the old key on the very next request, and the other gateway soon after', async () => {
    const created = await fetch(`${stack.gatewayUrl}/api/user/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Rotating Ann', email: `ann-${prefix}@example.com` }),
    });
    expect(created.status).toBe(201);
    const { id, api_key: oldKey } = (await created.json()) as { id: string; api_key: string };
    // Both gateways have verified the old key and keep it in their caches.
    for (const gateway of [stack.gatewayUrl, secondUrl]) expect(await getUser(gateway, id, oldKey)).toBe(200);

    const rotated = await fetch(`${stack.gatewayUrl}/api/user/users/${id}/api_key`, {
      method: 'POST',
      headers: { authorization: `Bearer ${oldKey}` },
    });
    expect(rotated.status).toBe(201);
    const { api_key: newKey } = (await rotated.json()) as { api_key: string };
    expect(newKey).toMatch(new RegExp(`^sk_${id}_[A-Za-z0-9_-]{43}$`));
    const answeredAt = Date.now();

    // The forwarding gateway: strict, from the very next request on.
    expect(await getUser(stack.gatewayUrl, id, oldKey)).toBe(401);
    expect(await getUser(stack.gatewayUrl, id, newKey)).toBe(200);
    expect(await getUser(stack.gatewayUrl, id, newKey)).toBe(200);

    // The other instance: once ApiKeyRotated has reached it over the broker, far inside its
    // cache's 30 seconds.
    await eventually(async () => expect(await getUser(secondUrl, id, oldKey)).toBe(401), 5_000);
    const windowMs = Date.now() - answeredAt;
    expect(windowMs).toBeLessThan(5_000);
    expect(await getUser(secondUrl, id, newKey)).toBe(200);
    expect(await getUser(stack.gatewayUrl, id, oldKey)).toBe(401);
  }, 60_000);
});
