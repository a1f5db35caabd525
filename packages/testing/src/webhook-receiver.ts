import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, as it arrived. */
export interface ReceivedWebhook {
  /** The `webhook-id` header. */
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `performance.timeOrigin + performance.now()` when its body had arrived (ms). */
  at: number;
}

/** What the receiver answers its n-th request (from 1): a status (with a body), or 'hang' to never answer. */
export type ReceiverAnswer = (
  n: number,
  request: ReceivedWebhook,
) => number | { status: number; body: string } | 'hang';

export interface WebhookReceiver {
  /** Its endpoint on 127.0.0.1. */
  url: string;
  received: ReceivedWebhook[];
  /**
   * Every request verified with the `standardwebhooks` package under `secret` (the `whsec_…` the
   * 201 showed), as Standard Webhooks receivers do: throws on the first that fails, else the
   * parsed payloads in arrival order.
   */
  verified(secret: string): unknown[];
  /** Changes what it answers from now on. */
  answer(answer: ReceiverAnswer): void;
  close(): Promise<void>;
}

/**
 * A webhook endpoint for tests: records every request and answers as told (204 by default). A
 * hanging request is held until the receiver closes.
 */
export async function startWebhookReceiver(answer: ReceiverAnswer = () => 204): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let current = answer;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: ReceivedWebhook = {
        id: String(request.headers['webhook-id'] ?? ''),
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.timeOrigin + performance.now(),
      };
      received.push(entry);
      const reply = current(received.length, entry);
      if (reply === 'hang') return;
      if (typeof reply === 'number') return void response.writeHead(reply).end();
      response.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    verified: (secret) => {
      const webhook = new Webhook(secret);
      return received.map((r) => webhook.verify(r.body, r.headers as Record<string, string>));
    },
    answer: (next) => void (current = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
