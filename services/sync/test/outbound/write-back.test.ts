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
