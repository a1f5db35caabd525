import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEnvelope, type MessageData } from '@slotkeeper/contracts';
import { SecretBox } from '@slotkeeper/secret-box';
import type { WebhookMessage } from '../src/domain/payload.js';

export const USER = 'aaaaaaaaaaaaaaaaaaaaaaaa';
export const OTHER_USER = 'bbbbbbbbbbbbbbbbbbbbbbbb';
export const CAL = 'cccccccccccccccccccccccc';
export const OTHER_CAL = 'dddddddddddddddddddddddd';
export const EVENT = 'eeeeeeeeeeeeeeeeeeeeeeee';
export const T0 = new Date('2030-06-01T12:00:00.000Z');
export const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);
export const id = (n: number) => n.toString(16).padStart(24, '0');

export const secretBox = () => SecretBox.fromEnv(`k1:${randomBytes(32).toString('base64')}`);

/** The event as the API shows it. */
export const apiEvent = {
  id: EVENT,
  calendar_id: CAL,
  title: 'Intro call',
  start_time: '2030-06-02T04:30:00.000Z',
  end_time: '2030-06-02T05:00:00.000Z',
  booked_by: 'bo@example.com',
  booker_name: 'Bo',
  notes: null,
  guests: ['cy@example.com'],
  status: 'confirmed' as const,
  created_at: '2030-06-01T11:59:00.000Z',
};

const inMessage = { ...apiEvent, version: 1, cancel_token_nonce: 'nonce-1' };

export const booked = (): WebhookMessage =>
  createEnvelope('EventBooked', inMessage satisfies MessageData<'EventBooked'>, T0) as WebhookMessage;
export const canceled = (): WebhookMessage =>
  createEnvelope('EventCanceled', { ...inMessage, status: 'canceled', version: 2 }, at(60)) as WebhookMessage;
export const rescheduled = (): WebhookMessage =>
  createEnvelope(
    'EventRescheduled',
    {
      ...inMessage,
      start_time: '2030-06-03T04:30:00.000Z',
      end_time: '2030-06-03T05:00:00.000Z',
      version: 2,
      previous_start_time: apiEvent.start_time,
      previous_end_time: apiEvent.end_time,
    },
    at(120),
  ) as WebhookMessage;

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A receiver on 127.0.0.1: keeps every request and answers as `answer` says (a status, or
 * 'hang' to never answer).
 */
export async function receiver(answer: (n: number) => number | 'hang' = () => 204) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = answer(received.length);
      if (reply === 'hang') return;
      if (reply >= 300 && reply < 400) res.setHeader('location', 'http://127.0.0.1:9/elsewhere');
      res.writeHead(reply, { 'content-type': 'text/plain' }).end('receiver body: never kept');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/slotkeeper`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
