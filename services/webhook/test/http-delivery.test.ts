import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutboundClient } from '@slotkeeper/outbound-http';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { attemptDelivery, WEBHOOK_TIMEOUT_MS, webhookClient } from '../src/adapters/http-delivery.js';
import { generateWebhookSecret } from '../src/adapters/signer.js';
import { afterAttempt, newDelivery, type Delivery } from '../src/domain/delivery.js';
import { payloadBody, webhookPayloadOf } from '../src/domain/payload.js';
import { apiEvent, booked, closedPort, EVENT, id, receiver, T0, USER, type Received } from './fixtures.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

/** A receiver answering as told, and a client allowed to reach it on 127.0.0.1. */
async function endpoint(answer?: (n: number) => number | 'hang', timeoutMs?: number) {
  const server = await receiver(answer);
  const client: OutboundClient = webhookClient(true, timeoutMs ? { totalTimeoutMs: timeoutMs } : {});
  open.push(server, client);
  return { server, client };
}

/** A receiver that accepts with 200 and then answers its body as `write` does. */
async function accepting(write: (res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => write(res.writeHead(200, { 'content-type': 'text/plain' })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = webhookClient(true);
  open.push(client, {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, client };
}

const secret = generateWebhookSecret();

function delivery(): Delivery {
  const message = booked();
  return newDelivery(
    {
      webhookId: id(1),
      userId: USER,
      type: 'event.booked',
      eventId: EVENT,
      messageId: message.id,
      body: payloadBody(webhookPayloadOf(message)),
    },
    new Date(),
  );
}

const attempt = (client: OutboundClient, url: string, d: Delivery) =>
  attemptDelivery(client, { url, secret, id: d.id, body: d.body, at: new Date() });

/** What the receiver verified with the standardwebhooks package: throws on a bad signature. */
const verified = (request: Received, key = secret) =>
  new Webhook(key).verify(request.body, request.headers as Record<string, string>);

describe('an attempt', () => {
  it('when the receiver answers 2xx, then it succeeded and the receiver verifies the signed payload', async () => {
    const { server, client } = await endpoint(() => 202);
    const d = delivery();

    expect(await attempt(client, server.url, d)).toEqual({ ok: true, statusCode: 202 });

    const [request] = server.received;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['webhook-id']).toBe(d.id);
    expect(verified(request!)).toEqual({ type: 'event.booked', timestamp: T0.toISOString(), data: apiEvent });
    expect(() => verified(request!, generateWebhookSecret())).toThrow(/signature/);
  });

  it('when the receiver fails twice then succeeds, then the three attempts carry one webhook-id and each verifies', async () => {
    const { server, client } = await endpoint((n) => (n < 3 ? 500 : 200));
    let d = delivery();
    const outcomes = [];
    for (let n = 0; n < 3; n++) {
      const outcome = await attempt(client, server.url, d);
      outcomes.push(outcome);
      d = { ...d, ...afterAttempt(d, outcome, new Date(), [1, 1, 1]) };
    }

    expect(outcomes.map((o) => o.statusCode)).toEqual([500, 500, 200]);
    expect(outcomes[0]).toEqual({ ok: false, statusCode: 500, error: 'the endpoint answered 500' });
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, nextAttemptAt: null });
    expect(new Set(server.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([d.id]));
    expect(new Set(server.received.map((r) => r.body)).size).toBe(1);
    for (const request of server.received) expect(verified(request)).toMatchObject({ type: 'event.booked' });
  });

  it('when the receiver answers 200 with a body far over the size limit, then the attempt succeeded', async () => {
    const { url, client } = await accepting((res) => res.end(Buffer.alloc(2 * 1024 * 1024, 'x')));
    expect(await attempt(client, url, delivery())).toEqual({ ok: true, statusCode: 200 });
  });

  it('when the receiver answers 200 and then trickles its body for ever, then the attempt succeeded at once', async () => {
    const { url, client } = await accepting((res) => {
      res.flushHeaders();
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = performance.now();
    expect(await attempt(client, url, delivery())).toEqual({ ok: true, statusCode: 200 });
    expect(performance.now() - started).toBeLessThan(WEBHOOK_TIMEOUT_MS / 10);
  });

  it('when the receiver redirects, then the redirect is not followed and the attempt failed', async () => {
    const { server, client } = await endpoint(() => 307);
    expect(await attempt(client, server.url, delivery())).toEqual({
      ok: false,
      statusCode: 307,
      error: 'the endpoint answered 307 (redirects are not followed)',
    });
    expect(server.received).toHaveLength(1);
  });

  it('when the receiver does not answer in time, then the attempt failed with a timeout and no status', async () => {
    const { server, client } = await endpoint(() => 'hang', 300);
    const outcome = await attempt(client, server.url, delivery());
    expect(outcome).toEqual({ ok: false, statusCode: null, error: expect.stringMatching(/within 300 ms/) });
    expect(outcome.ok || outcome.error).not.toContain('/hooks');
  });

  it('when nothing listens there, then the attempt failed with the origin only, never the path', async () => {
    const client = webhookClient(true);
    open.push(client);
    const port = await closedPort();
    const outcome = await attempt(client, `http://127.0.0.1:${port}/hooks/secret-path`, delivery());
    expect(outcome).toEqual({
      ok: false,
      statusCode: null,
      error: `POST http://127.0.0.1:${port}: request failed (ECONNREFUSED)`,
    });
  });

  it('when the URL is a private address and private URLs are not allowed, then nothing is sent', async () => {
    const server = await receiver();
    const client = webhookClient(false);
    open.push(server, client);
    const outcome = await attempt(client, server.url, delivery());
    expect(outcome).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/non-public/) });
    expect(server.received).toHaveLength(0);
  });

  it('when the receiver answers with a body, then the outcome keeps nothing of it', async () => {
    const { server, client } = await endpoint(() => 500);
    const outcome = await attempt(client, server.url, delivery());
    expect(JSON.stringify(outcome)).not.toContain('receiver body');
  });
});
