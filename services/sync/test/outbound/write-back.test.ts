/**
 * Write-back end to end: the handlers record, the worker writes to a real CalDAV server
 * (Radicale) or to a local server that fails on cue, and retries at the test's short delays.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeWithRadicale, startRadicale, type Radicale } from '@slotkeeper/testing/radicale';
import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WriteBackWorker } from '../../src/outbound/index.js';
import { SECRETS_UNREADABLE } from '../../src/domain/source-secrets.js';
import { canceled, CAL, eventData, eventId, outbound, rescheduled, SOURCE } from './outbound-fixtures.js';

const DELAYS = [1_000, 5_000];

/** Moves the clock past the next retry. */
const after = (sys: ReturnType<typeof outbound>, ms: number) => sys.clock.set(new Date(sys.clock.now().getTime() + ms));

describeWithRadicale('write-back to Radicale', () => {
  let radicale: Radicale;
  let sys: ReturnType<typeof outbound>;
  beforeAll(async () => {
    radicale = await startRadicale();
  });
  afterAll(() => radicale?.stop());
  afterEach(() => sys?.client.close());

  const authorization = () => `Basic ${Buffer.from(`${radicale.username}:${radicale.password}`).toString('base64')}`;
  /** The object at `{collection}{id}.ics`, parsed, or null when there is none. */
  async function stored(collection: string, id: string): Promise<ICAL.Component | null> {
    const response = await fetch(`${collection}${id}.ics`, { headers: { authorization: authorization() } });
    if (response.status === 404) return null;
    expect(response.status).toBe(200);
    const events = new ICAL.Component(ICAL.parse(await response.text())).getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    return events[0]!;
  }
  async function withTarget(name: string, password = radicale.password) {
    sys = outbound({ retryDelaysMs: DELAYS });
    const url = await radicale.collection(name);
    sys.targets.targets = [
      { sourceId: SOURCE, calendarId: CAL, url, credentials: { username: radicale.username, password } },
    ];
    return url;
  }

  it('when an event is booked, moved and canceled, then its copy is created, moved and removed', async () => {
    const collection = await withTarget('round-trip');
    const id = eventId();

    await sys.handlers.EventBooked(eventData(id));
    expect(await sys.worker.runDue()).toBe(1);
    const booked = await stored(collection, id);
    expect(booked?.getFirstPropertyValue('uid')).toBe(id);
    expect(booked?.getFirstPropertyValue('sequence')).toBe(0);
    expect(booked?.getFirstPropertyValue('x-slotkeeper-calendar')).toBe(CAL);
    expect((booked?.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate()).toEqual(
      new Date('2030-06-24T09:00:00.000Z'),
    );
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ state: 'done', attempts: 1, lastError: null });

    await sys.handlers.EventRescheduled(rescheduled(id, 2, '2030-06-25T14:00:00.000Z', '2030-06-25T15:00:00.000Z'));
    expect(await sys.worker.runDue()).toBe(1);
    const moved = await stored(collection, id);
    expect((moved?.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate()).toEqual(
      new Date('2030-06-25T14:00:00.000Z'),
    );
    expect(moved?.getFirstPropertyValue('sequence')).toBe(1);

    await sys.handlers.EventCanceled(
      canceled(id, 3, { start_time: '2030-06-25T14:00:00.000Z', end_time: '2030-06-25T15:00:00.000Z' }),
    );
    expect(await sys.worker.runDue()).toBe(1);
    expect(await stored(collection, id)).toBeNull();
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ version: 3, state: 'done' });
    expect(await sys.worker.runDue()).toBe(0);
  });

  it('when the cancel arrives before the copy was ever written, then the DELETE finds nothing and is done', async () => {
    const collection = await withTarget('cancel-first');
    const id = eventId();
    await sys.handlers.EventBooked(eventData(id));
    await sys.handlers.EventCanceled(canceled(id, 2));
    expect(await sys.worker.runDue()).toBe(1);
    expect(await stored(collection, id)).toBeNull();
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ version: 2, state: 'done' });
  });

  it('when the password is wrong, then the write is retried at the delays, and succeeds once it is right', async () => {
    const collection = await withTarget('wrong-password', 'not-the-password');
    const id = eventId();
    await sys.handlers.EventBooked(eventData(id));

    expect(await sys.worker.runDue()).toBe(1);
    const failed = await sys.store.findWriteJob(SOURCE, id);
    expect(failed).toMatchObject({ state: 'pending', attempts: 1 });
    expect(failed?.lastError).toMatch(/refused the user name or password \(HTTP 401\)/);
    expect(failed?.lastError).not.toContain('not-the-password');
    expect(failed?.nextAttemptAt).toEqual(new Date(sys.clock.now().getTime() + DELAYS[0]!));
    // Not due before its delay.
    expect(await sys.worker.runDue()).toBe(0);

    sys.targets.targets[0]!.credentials = { username: radicale.username, password: radicale.password };
    after(sys, DELAYS[0]!);
    expect(await sys.worker.runDue()).toBe(1);
    expect((await stored(collection, id))?.getFirstPropertyValue('uid')).toBe(id);
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ state: 'done', attempts: 2, lastError: null });
    expect(sys.lines.join('\n')).not.toContain(radicale.password);
    expect(sys.lines.join('\n')).not.toContain('not-the-password');
  });

  it('when the source is removed before its job runs, then the job is dropped and nothing is written', async () => {
    const collection = await withTarget('removed-source');
    const id = eventId();
    await sys.handlers.EventBooked(eventData(id));
    sys.targets.targets = [];
    expect(await sys.worker.runDue()).toBe(1);
    expect(await sys.store.findWriteJob(SOURCE, id)).toBeNull();
    expect(await stored(collection, id)).toBeNull();
  });
});

/** A CalDAV stand-in that answers each request with the next status of its script (then 201). */
async function scriptedServer(statuses: number[]) {
  const requests: Array<{ method: string; url: string; body: string }> = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      requests.push({ method: request.method!, url: request.url!, body });
      response.statusCode = statuses.shift() ?? 201;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dav/work/`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('write-back retries', () => {
  let sys: ReturnType<typeof outbound>;
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  afterEach(async () => {
    await sys.client.close();
    await server.close();
  });
  async function setUp(statuses: number[], delays = DELAYS) {
    server = await scriptedServer(statuses);
    sys = outbound({ retryDelaysMs: delays });
    sys.targets.targets = [
      { sourceId: SOURCE, calendarId: CAL, url: server.url, credentials: { username: 'u', password: 's3cret-pw' } },
    ];
  }

  it('when the server answers 500 twice, then the third attempt, after both delays, writes the event', async () => {
    await setUp([500, 500]);
    const id = eventId();
    await sys.handlers.EventBooked(eventData(id));

    expect(await sys.worker.runDue()).toBe(1);
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({
      attempts: 1,
      state: 'pending',
      lastError: expect.stringMatching(/HTTP 500/),
    });
    after(sys, DELAYS[0]!);
    expect(await sys.worker.runDue()).toBe(1);
    after(sys, DELAYS[1]! - 1);
    expect(await sys.worker.runDue()).toBe(0);
    after(sys, 1);
    expect(await sys.worker.runDue()).toBe(1);

    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ attempts: 3, state: 'done', lastError: null });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill(`PUT /dav/work/${id}.ics`));
    expect(
      new ICAL.Component(ICAL.parse(server.requests[2]!.body))
        .getFirstSubcomponent('vevent')!
        .getFirstPropertyValue('uid'),
    ).toBe(id);
  });

  it('when every attempt fails, then after the last delay it gives up with a warning that names no secret', async () => {
    await setUp([503, 503, 503], [1_000]);
    const id = eventId();
    await sys.handlers.EventBooked(eventData(id));
    await sys.worker.runDue();
    after(sys, 1_000);
    await sys.worker.runDue();

    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({
      attempts: 2,
      state: 'failed',
      nextAttemptAt: null,
      lastError: expect.stringMatching(/HTTP 503/),
    });
    after(sys, 3_600_000);
    expect(await sys.worker.runDue()).toBe(0);
    expect(server.requests).toHaveLength(2);
    const warning = sys.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.level === 40);
    expect(warning).toMatchObject({ msg: 'write-back gave up after its last retry', sourceId: SOURCE, eventId: id });
    expect(sys.lines.join('\n')).not.toContain('s3cret-pw');
  });

  it("when the target's secrets cannot be opened, then the job waits with the reason, and is written once the key is back", async () => {
    await setUp([]);
    const id = eventId();
    sys.targets.unreadable.add(SOURCE);
    await sys.handlers.EventBooked(eventData(id));

    expect(await sys.worker.runDue()).toBe(1);
    expect(await sys.store.findWriteJob(SOURCE, id)).toEqual({
      sourceId: SOURCE,
      calendarId: CAL,
      eventId: id,
      version: 1,
      state: 'pending',
      attempts: 1,
      nextAttemptAt: new Date(sys.clock.now().getTime() + DELAYS[0]!),
      lastError: SECRETS_UNREADABLE,
    });
    expect(server.requests).toEqual([]);

    // The operator puts the key back in SECRET_KEYS.
    sys.targets.unreadable.delete(SOURCE);
    after(sys, DELAYS[0]!);
    expect(await sys.worker.runDue()).toBe(1);
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ state: 'done', attempts: 2, lastError: null });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`PUT /dav/work/${id}.ics`]);
  });

  it('when the secrets stay unreadable past the last delay, then the job keeps waiting at the last delay, never given up', async () => {
    await setUp([], [1_000, 5_000]);
    const id = eventId();
    sys.targets.unreadable.add(SOURCE);
    await sys.handlers.EventBooked(eventData(id));
    for (const delay of [1_000, 5_000, 5_000, 5_000]) {
      expect(await sys.worker.runDue()).toBe(1);
      expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({
        state: 'pending',
        nextAttemptAt: new Date(sys.clock.now().getTime() + delay),
        lastError: SECRETS_UNREADABLE,
      });
      after(sys, delay);
    }
    expect(sys.lines.join('\n')).not.toContain('s3cret-pw');
  });

  it('when the source is removed, or no longer writes bookings, before its job runs, then the job is dropped unwritten', async () => {
    await setUp([]);
    const id = eventId();
    await sys.handlers.EventBooked(eventData(id));
    sys.targets.targets = [];
    expect(await sys.worker.runDue()).toBe(1);
    expect(await sys.store.findWriteJob(SOURCE, id)).toBeNull();
    expect(server.requests).toEqual([]);
  });

  it('when a newer version arrives while a write is failing, then it starts afresh and writes the newest state', async () => {
    await setUp([500]);
    const id = eventId();
    await sys.handlers.EventBooked(eventData(id));
    await sys.worker.runDue();
    await sys.handlers.EventCanceled(canceled(id, 2));
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ version: 2, attempts: 0, lastError: null });
    expect(await sys.worker.runDue()).toBe(1);
    expect(server.requests.map((r) => r.method)).toEqual(['PUT', 'DELETE']);
  });

  it('when two workers run at once, then each job is written once', async () => {
    await setUp([]);
    const ids = [eventId(), eventId(), eventId(), eventId(), eventId()];
    for (const id of ids) await sys.handlers.EventBooked(eventData(id));
    const other = new WriteBackWorker(sys.deps);
    const ran = await Promise.all([sys.worker.runDue(), other.runDue(), sys.worker.runDue(), other.runDue()]);
    expect(ran.reduce((a, b) => a + b, 0)).toBe(ids.length);
    expect(server.requests.map((r) => r.url).sort()).toEqual(ids.map((id) => `/dav/work/${id}.ics`).sort());
  });

  it('when a worker dies holding a job, then another takes it once the lease has run out', async () => {
    await setUp([]);
    const id = eventId();
    await sys.handlers.EventBooked(eventData(id));
    // A claim whose worker never settles it: as if its process died mid-write.
    expect(await sys.store.claimDue(sys.clock.now(), 60_000, 10)).toHaveLength(1);
    expect(await sys.worker.runDue()).toBe(0);
    after(sys, 60_000);
    expect(await sys.worker.runDue()).toBe(1);
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('when started, then the worker writes due jobs by itself, and stop waits for the write under way', async () => {
    await setUp([]);
    const id = eventId();
    await sys.handlers.EventBooked(eventData(id));
    const worker = new WriteBackWorker(sys.deps, { pollMs: 20 });
    worker.start();
    await expect.poll(() => server.requests.length, { timeout: 2_000 }).toBe(1);
    await worker.stop();
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ state: 'done' });
  });
});

/** A CalDAV stand-in that holds its answers to the events in `hold` (a server gone quiet) until released; 201 to others. */
async function holdingServer() {
  const hold = new Set<string>();
  /** Held answers, by event id. */
  const waiting = new Map<string, () => void>();
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = () => {
        response.statusCode = 201;
        response.end();
      };
      const id = [...hold].find((held) => request.url!.includes(held));
      if (id) waiting.set(id, answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const release = (id: string) => {
    hold.delete(id);
    waiting.get(id)?.();
    waiting.delete(id);
  };
  return {
    url: `http://127.0.0.1:${port}/dav/work/`,
    hold,
    waiting,
    release,
    close: () => {
      [...waiting.keys()].forEach(release);
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('write-back concurrency', () => {
  let sys: ReturnType<typeof outbound>;
  let server: Awaited<ReturnType<typeof holdingServer>>;
  let worker: WriteBackWorker;
  afterEach(async () => {
    await server.close();
    await worker.stop();
    await sys.client.close();
  });
  async function setUp(concurrency?: number) {
    server = await holdingServer();
    sys = outbound();
    sys.targets.targets = [{ sourceId: SOURCE, calendarId: CAL, url: server.url, credentials: null }];
    worker = new WriteBackWorker(sys.deps, { pollMs: 20, ...(concurrency && { concurrency }) });
    worker.start();
  }
  const stateOf = async (id: string) => (await sys.store.findWriteJob(SOURCE, id))?.state;

  it('when a write hangs on a server gone quiet, then a job recorded meanwhile is written without waiting for it', async () => {
    await setUp();
    const [slow, quick] = [eventId(), eventId()];
    server.hold.add(slow);
    await sys.handlers.EventBooked(eventData(slow));
    await expect.poll(() => server.waiting.size, { timeout: 2_000 }).toBe(1);

    await sys.handlers.EventBooked(eventData(quick));

    await expect.poll(() => stateOf(quick), { timeout: 2_000 }).toBe('done');
    expect(await stateOf(slow)).toBe('pending');
    server.release(slow);
    await expect.poll(() => stateOf(slow), { timeout: 2_000 }).toBe('done');
  });

  it('when as many writes hang as the worker runs at once, then the next waits for a place and takes the first one freed', async () => {
    await setUp(2);
    const ids = [eventId(), eventId(), eventId()];
    ids.forEach((id) => server.hold.add(id));
    for (const id of ids) await sys.handlers.EventBooked(eventData(id));

    await expect.poll(() => server.waiting.size, { timeout: 2_000 }).toBe(2);
    // Several polls later, still two: the third is not even asked for.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.waiting.size).toBe(2);
    const third = ids.find((id) => !server.waiting.has(id))!;
    expect(await sys.store.findWriteJob(SOURCE, third)).toMatchObject({ state: 'pending', attempts: 0 });

    server.release([...server.waiting.keys()][0]!);
    await expect.poll(() => server.waiting.has(third), { timeout: 2_000 }).toBe(true);
    expect(server.waiting.size).toBe(2);
    [...server.waiting.keys()].forEach(server.release);
    await expect.poll(async () => Promise.all(ids.map(stateOf)), { timeout: 2_000 }).toEqual(['done', 'done', 'done']);
  });
});
