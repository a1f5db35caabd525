import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { httpUpstream, RETRY_AFTER_SECONDS } from '@slotkeeper/http-kit';
import { silentLogger } from '@slotkeeper/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../src/gateway-app.js';

/** A server that takes connections and never answers. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/** An address where nothing listens. */
async function closedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('the gateway when a service is down or too slow', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let gateway: Awaited<ReturnType<typeof buildGateway>>;
  beforeAll(async () => {
    silent = await silentServer();
    const down = httpUpstream(await closedPort());
    gateway = await buildGateway({
      logger: silentLogger(),
      identityKey: randomBytes(32),
      upstreams: {
        user: down,
        schedule: down,
        calendar: down,
        booking: httpUpstream(silent.url, 300),
        sync: down,
        webhook: down,
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await silent.close();
  });

  const expectRetryableProblem = (response: Awaited<ReturnType<typeof gateway.inject>>, detail: unknown) => {
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(response.headers['x-request-id']).toBeTruthy();
    expect(response.json()).toMatchObject({ status: 503, title: 'Service unavailable', detail });
  };

  it('when the owning service refuses connections, then 503 problem+json with Retry-After', async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/user/users',
      payload: { name: 'Ann', email: 'ann@example.com' },
    });
    expectRetryableProblem(response, 'the user service is unreachable');
  });

  it('when the owning service does not answer in time, then 503 problem+json with Retry-After', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/api/calendar/compare?calendar_ids=0123456789abcdef01234567,0123456789abcdef01234568&date=2030-06-03',
    });
    expectRetryableProblem(response, 'the booking service did not answer in time');
  });

  it('when a service is down, then /health is 503 problem+json with Retry-After', async () => {
    const response = await gateway.inject({ method: 'GET', url: '/health' });
    expectRetryableProblem(response, expect.any(String));
  });
});
