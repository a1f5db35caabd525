/**
 * The real driver against a database that is not there: a closed port, and a server that
 * accepts connections but never answers. No MongoDB is needed to see what clients get then.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { anonymous, internalKeys, IDENTITY_HEADER, signIdentity } from '@slotkeeper/auth';
import { ServiceUnavailableError } from '@slotkeeper/errors';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { clientOptions, connectMongo, mongoose, pingMongo, withStoreErrors } from '@slotkeeper/mongo';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoBusyTimesRepository } from '../src/adapters/mongo/mongo-busy-times-repository.js';
import { MongoLedgerRepository } from '../src/adapters/mongo/mongo-ledger-repository.js';
import { buildBookingApp } from '../src/app.js';
import { CalendarSerializer } from '../src/domain/calendar-serializer.js';
import { CAL, cancelTokenKey } from './fixtures.js';

const TIMEOUT_MS = 400;
const keys = internalKeys('the internal secret of the unavailable-store tests');

/** A TCP server that takes connections and never says a word: a hung database. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, sockets, port: (server.address() as { port: number }).port };
}

/** A closed port: bound, then released. */
async function closedPort(): Promise<number> {
  const { server, port } = await silentServer();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const booking = {
  calendar_id: CAL,
  title: 'Call',
  start_time: '2030-06-24T10:00:00Z',
  end_time: '2030-06-24T10:30:00Z',
  booked_by: 'ann@example.com',
};

describe.each([
  ['nothing listens on its port', async () => ({ port: await closedPort(), stop: async () => {} })],
  [
    'it accepts connections but never answers',
    async () => {
      const silent = await silentServer();
      return {
        port: silent.port,
        stop: async () => {
          silent.sockets.forEach((socket) => socket.destroy());
          await new Promise((resolve) => silent.server.close(resolve));
        },
      };
    },
  ],
])('when the database is unreachable (%s)', (_, start) => {
  let target: { port: number; stop: () => Promise<void> };
  let connection: mongoose.Connection;
  let app: Awaited<ReturnType<typeof buildBookingApp>>;

  beforeAll(async () => {
    target = await start();
    // Connected lazily, as after an outage began: the first command finds no server.
    connection = mongoose.createConnection(`mongodb://127.0.0.1:${target.port}/slotkeeper`, clientOptions(TIMEOUT_MS));
    connection.asPromise().catch(() => undefined);
    const ledgers = withStoreErrors(new MongoLedgerRepository(connection), TIMEOUT_MS);
    const bus = new InProcessBus({ logger: silentLogger() });
    app = await buildBookingApp({
      ledgers,
      busyTimes: withStoreErrors(new MongoBusyTimesRepository(connection), TIMEOUT_MS),
      outbox: new OutboxRelay(ledgers.outbox, bus, { logger: silentLogger() }),
      bus,
      clock: new ManualClock('2030-06-01T00:00:00Z'),
      serializer: new CalendarSerializer(),
      logger: silentLogger(),
      identityKey: keys.identity,
      cancelTokenKey,
      health: () => pingMongo(connection, TIMEOUT_MS),
    });
  });

  afterAll(async () => {
    await app.close();
    await connection.close().catch(() => undefined);
    await target.stop();
  });

  it('then a booking gets 503 problem+json with Retry-After, not a hang or a 500', async () => {
    const started = performance.now();
    const response = await app.inject({
      method: 'POST',
      url: '/api/event/events',
      headers: { [IDENTITY_HEADER]: signIdentity(anonymous, keys.identity) },
      payload: booking,
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json()).toMatchObject({ status: 503, title: 'Service unavailable' });
    // A hang guard, not a speed figure: without the bound the driver waits far longer.
    expect(performance.now() - started).toBeLessThan(10 * TIMEOUT_MS);
  });

  it('then /health answers 503 because the ping fails', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
  });

  it('then connecting at start-up fails with the driver error, not a hang', async () => {
    await expect(connectMongo(`mongodb://127.0.0.1:${target.port}/x`, TIMEOUT_MS)).rejects.toThrow(
      /Server selection timed out|ECONNREFUSED|connect/i,
    );
  });

  it('then a store call outside a request also settles as unavailable', async () => {
    const ledgers = withStoreErrors(new MongoLedgerRepository(connection), TIMEOUT_MS);
    await expect(ledgers.findEvent(CAL)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
