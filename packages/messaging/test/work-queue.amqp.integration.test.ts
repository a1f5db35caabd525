import { randomUUID } from 'node:crypto';
import { createLogger, silentLogger, type Logger } from '@slotkeeper/observability';
import { brokerTarget, proxyFor } from '@slotkeeper/testing';
import amqplib from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AmqpBus, type Job, type JobDelivery, type JobHandler } from '../src/index.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] AmqpBus work queues: ${broker.reason}`);

const DELAYS_MS = [300, 1_000];
/** Deliveries before a job is parked: kept low, so a failing job reaches `.dead` in a few tenths of a second. */
const DELIVERY_LIMIT = 2;

const eventually = async (check: () => unknown, ms = 10_000): Promise<void> =>
  void (await vi.waitFor(check, { timeout: ms, interval: 10 }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const job = (fields: Record<string, unknown> = {}): Job => ({ id: randomUUID(), ...fields });
const done: JobHandler = async () => ({ kind: 'done' });

describe.skipIf(!broker.url)('AmqpBus work queues on the local RabbitMQ', () => {
  const run = randomUUID().slice(0, 8);
  const names: string[] = [];
  const buses: AmqpBus[] = [];
  let admin: amqplib.ChannelModel;
  let adminChannel: amqplib.Channel;

  const queue = (name: string) => {
    const full = `test.${run}.wq.${name}`;
    names.push(full);
    return full;
  };
  const bus = async ({
    url = broker.url!,
    logger = silentLogger(),
    closeTimeoutMs,
  }: { url?: string; logger?: Logger; closeTimeoutMs?: number } = {}) => {
    const created = await AmqpBus.connect({
      url,
      logger,
      retryDelayMs: 50,
      jobDeliveryLimit: DELIVERY_LIMIT,
      ...(closeTimeoutMs !== undefined && { closeTimeoutMs }),
    });
    buses.push(created);
    return created;
  };
  const ready = async (name: string) => (await adminChannel.checkQueue(name)).messageCount;
  const readJobs = async (name: string) => {
    const found: unknown[] = [];
    for (let message = await adminChannel.get(name); message; message = await adminChannel.get(name)) {
      found.push(message.content.toString('utf8'));
      adminChannel.ack(message);
    }
    return found;
  };

  beforeAll(async () => {
    admin = await amqplib.connect(broker.url!);
    adminChannel = await admin.createChannel();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close().catch(() => undefined)));
  });
  afterAll(async () => {
    for (const name of names) {
      for (const full of [name, `${name}.dead`, ...DELAYS_MS.map((ms) => `${name}.delay.${ms}`)]) {
        await adminChannel.deleteQueue(full).catch(() => undefined);
      }
    }
    await admin.close();
    if ('stop' in broker) await broker.stop();
  });

  it('declares the work queue, its .dead and one quorum queue per wait that dead-letters back to it at least once', async () => {
    const b = await bus();
    const name = queue('topology');
    await b.consumeJobs(name, { delaysMs: DELAYS_MS }, done);
    // Declaring again with the same arguments passes only if the broker holds exactly these.
    const probe = await admin.createChannel();
    probe.on('error', () => undefined);
    await probe.assertQueue(`${name}.delay.300`, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': 300,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': name,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
    await probe.assertQueue(name, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': DELIVERY_LIMIT,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': `${name}.dead`,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
    await probe.checkQueue(`${name}.delay.1000`);
    await probe.checkQueue(`${name}.dead`);
    // A wait's TTL is fixed once declared: a changed schedule needs queues of new names.
    await expect(
      probe.assertQueue(`${name}.delay.300`, {
        durable: true,
        arguments: { 'x-queue-type': 'quorum', 'x-message-ttl': 999 },
      }),
    ).rejects.toThrow(/406/);
  });

  it('when a wait was declared before with another TTL, then consumeJobs is refused and the connection stays up', async () => {
    const lines: string[] = [];
    const b = await bus({
      logger: createLogger({ level: 'warn', destination: { write: (line) => void lines.push(line) } }),
    });
    const name = queue('clash');
    await adminChannel.assertQueue(`${name}.delay.300`, { durable: true, arguments: { 'x-message-ttl': 999 } });
    await expect(b.consumeJobs(name, { delaysMs: DELAYS_MS }, done)).rejects.toThrow(/PRECONDITION_FAILED/);
    await sleep(300);
    expect(lines.join('\n')).not.toContain('broker connection lost');
    const other = queue('after-clash');
    const handled: string[] = [];
    await b.consumeJobs(other, { delaysMs: DELAYS_MS }, async (received) => {
      handled.push(received.id);
      return { kind: 'done' };
    });
    const sent = job();
    await b.enqueueJob(other, sent);
    await eventually(() => expect(handled).toEqual([sent.id]));
    await expect(b.enqueueJob(name, job())).rejects.toThrow(/not declared/);
  });

  it('when a handler keeps throwing, then the job is delivered until the limit and parked in .dead, and the others go on', async () => {
    const b = await bus();
    const name = queue('poison');
    const poison = job({ body: 'fails every time' });
    const deliveries: JobDelivery[] = [];
    const handled: string[] = [];
    await b.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received, delivery) => {
      if (received.id === poison.id) {
        deliveries.push(delivery);
        throw new Error('the store is down');
      }
      handled.push(received.id);
      return { kind: 'done' };
    });
    await b.enqueueJob(name, poison);
    const healthy = job();
    await b.enqueueJob(name, healthy);
    await eventually(() => expect(handled).toEqual([healthy.id]));
    await eventually(async () => expect(await ready(`${name}.dead`)).toBe(1));
    expect(deliveries).toEqual([{ redelivered: false }, ...Array(DELIVERY_LIMIT).fill({ redelivered: true })]);
    expect((await readJobs(`${name}.dead`)).map((content) => JSON.parse(content as string))).toEqual([poison]);
  });

  it('when a retry asks for a wait the queue was not declared with, then it counts as a failure and the job is parked', async () => {
    const b = await bus();
    const name = queue('undeclared-wait');
    let calls = 0;
    await b.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received) => {
      calls++;
      return { kind: 'retry', delayMs: 12_345, job: received };
    });
    await b.enqueueJob(name, job());
    await eventually(async () => expect(await ready(`${name}.dead`)).toBe(1));
    expect(calls).toBe(DELIVERY_LIMIT + 1);
    expect(await ready(`${name}.delay.300`)).toBe(0);
  });

  it('parks deliveries that are not jobs in .dead without calling the handler', async () => {
    const b = await bus();
    const name = queue('garbage');
    const handled: string[] = [];
    await b.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received) => {
      handled.push(received.id);
      return { kind: 'done' };
    });
    for (const content of ['{not json', '[1,2]', '{"id":5}']) adminChannel.sendToQueue(name, Buffer.from(content));
    const healthy = job();
    await b.enqueueJob(name, healthy);
    await eventually(async () => expect(await ready(`${name}.dead`)).toBe(3));
    expect(handled).toEqual([healthy.id]);
  });

  it('when two instances consume one queue, then they share the jobs and each is handled once', async () => {
    const [first, second] = [await bus(), await bus()];
    const name = queue('shared');
    const handledBy: Record<string, string[]> = { first: [], second: [] };
    for (const [label, instance] of [
      ['first', first],
      ['second', second],
    ] as const) {
      await instance!.consumeJobs(name, { delaysMs: DELAYS_MS, concurrency: 2 }, async (received) => {
        await sleep(20);
        handledBy[label]!.push(received.id);
        return { kind: 'done' };
      });
    }
    const sent = Array.from({ length: 20 }, () => job());
    await Promise.all(sent.map((j) => first!.enqueueJob(name, j)));
    await eventually(() => expect(handledBy.first!.length + handledBy.second!.length).toBe(20));
    await sleep(200);
    expect([...handledBy.first!, ...handledBy.second!].sort()).toEqual(sent.map((j) => j.id).sort());
    expect(handledBy.first!.length).toBeGreaterThan(0);
    expect(handledBy.second!.length).toBeGreaterThan(0);
  });

  it('when copies of one job arrive together, then they are handled one after the other, never alongside', async () => {
    const b = await bus();
    const name = queue('copies');
    let running = 0;
    let overlapped = false;
    const handled: string[] = [];
    await b.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received) => {
      overlapped ||= ++running > 1;
      await sleep(100);
      running--;
      handled.push(received.id);
      return { kind: 'done' };
    });
    const sent = job();
    await Promise.all([b.enqueueJob(name, sent), b.enqueueJob(name, sent), b.enqueueJob(name, sent)]);
    await eventually(() => expect(handled).toEqual([sent.id, sent.id, sent.id]));
    expect(overlapped).toBe(false);
  });

  it('when the connection dies mid-job, then the job is delivered again, redelivered, with the same id', async () => {
    const { proxy, url } = await proxyFor(broker.url!);
    try {
      const b = await bus({ url });
      const name = queue('cut');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const deliveries: Array<[string, JobDelivery]> = [];
      await b.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received, delivery) => {
        deliveries.push([received.id, delivery]);
        if (deliveries.length === 1) await gate;
        return { kind: 'done' };
      });
      const sent = job();
      await b.enqueueJob(name, sent);
      await eventually(() => expect(deliveries).toHaveLength(1));
      proxy.cut();
      await eventually(() => expect(b.isConnected()).toBe(false));
      await sleep(200);
      proxy.restore();
      await eventually(() => expect(b.isConnected()).toBe(true));
      // The first attempt ends after the cut: its ack is lost with its channel.
      release();
      await eventually(() =>
        expect(deliveries).toEqual([
          [sent.id, { redelivered: false }],
          [sent.id, { redelivered: true }],
        ]),
      );
      // Acknowledged this time: nothing comes back when the consumer goes.
      await b.close();
      expect(await ready(name)).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('when the consuming bus restarts while a job waits in a delay queue, then the job still arrives after its wait', async () => {
    const name = queue('restart');
    const arrivals: Array<{ id: string; at: number }> = [];
    const handler: JobHandler = async (received) => {
      arrivals.push({ id: received.id, at: performance.now() });
      return { kind: 'done' };
    };
    const first = await bus();
    await first.consumeJobs(name, { delaysMs: DELAYS_MS }, handler);
    const sent = job();
    const start = performance.now();
    await first.enqueueJob(name, sent, { delayMs: 1_000 });
    await first.close();
    expect(await ready(`${name}.delay.1000`)).toBe(1);
    const second = await bus();
    await second.consumeJobs(name, { delaysMs: DELAYS_MS }, handler);
    await eventually(() => expect(arrivals.map((a) => a.id)).toEqual([sent.id]));
    expect(arrivals[0]!.at - start).toBeGreaterThanOrEqual(1_000);
  });

  /** A handler that records each job and holds the ones marked `held` until `release` is called. */
  const gated = () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: Array<[string, JobDelivery]> = [];
    const finished: string[] = [];
    const handler: JobHandler = async (received, delivery) => {
      started.push([received.id, delivery]);
      if (received.held) await gate;
      finished.push(received.id);
      return { kind: 'done' };
    };
    return { handler, started, finished, release };
  };

  it('when the bus closes while a job is under way, then close waits for it and it is acked, never handled again', async () => {
    const name = queue('close-mid-job');
    const first = await bus();
    const here = gated();
    await first.consumeJobs(name, { delaysMs: DELAYS_MS }, here.handler);
    const sent = job({ held: true });
    await first.enqueueJob(name, sent);
    await eventually(() => expect(here.started).toHaveLength(1));

    let closedAt: number | undefined;
    const closing = first.close().then(() => (closedAt = performance.now()));
    await sleep(300);
    expect(closedAt).toBeUndefined();
    const releasedAt = performance.now();
    here.release();
    await closing;

    expect(here.finished).toEqual([sent.id]);
    expect(closedAt).toBeGreaterThanOrEqual(releasedAt);
    const second = await bus();
    const there = gated();
    await second.consumeJobs(name, { delaysMs: DELAYS_MS }, there.handler);
    await sleep(500);
    expect(there.started).toEqual([]);
    expect(await ready(name)).toBe(0);
  });

  it('when a delivery has not started when the bus closes, or comes after, then it is left for another instance', async () => {
    const name = queue('close-then-enqueue');
    const first = await bus();
    const here = gated();
    await first.consumeJobs(name, { delaysMs: DELAYS_MS }, here.handler);
    const held = job({ held: true });
    await first.enqueueJob(name, held);
    await eventually(() => expect(here.started).toHaveLength(1));
    // A copy of the job under way: delivered here, it waits for the first to finish.
    await first.enqueueJob(name, held);
    await sleep(100);

    const closing = first.close();
    await sleep(300);
    // The closing bus still publishes (for its handlers under way), but no longer consumes.
    const late = job();
    await first.enqueueJob(name, late);
    here.release();
    await closing;

    expect(here.started.map(([id]) => id)).toEqual([held.id]);
    const second = await bus();
    const there = gated();
    await second.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received, delivery) =>
      there.handler({ ...received, held: false }, delivery),
    );
    await eventually(() => expect(there.started).toHaveLength(2));
    expect(there.started).toEqual(
      expect.arrayContaining([
        [held.id, { redelivered: true }],
        [late.id, { redelivered: false }],
      ]),
    );
  });

  it('when a handler hangs, then close gives up after its bound and the job goes to another instance', async () => {
    const name = queue('close-hung');
    const first = await bus({ closeTimeoutMs: 1_000 });
    const here = gated();
    await first.consumeJobs(name, { delaysMs: DELAYS_MS }, here.handler);
    const sent = job({ held: true });
    await first.enqueueJob(name, sent);
    await eventually(() => expect(here.started).toHaveLength(1));

    const begun = performance.now();
    await first.close();
    const took = performance.now() - begun;

    expect(took).toBeGreaterThanOrEqual(750);
    expect(took).toBeLessThan(2_000);
    const second = await bus();
    const there = gated();
    await second.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received, delivery) =>
      there.handler({ ...received, held: false }, delivery),
    );
    await eventually(() => expect(there.started).toEqual([[sent.id, { redelivered: true }]]));
    here.release();
  });

  it('logs the queue, the job id and the outcome, never what the job holds', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: 'wq',
      level: 'debug',
      destination: { write: (line) => void lines.push(line) },
    });
    const b = await bus({ logger });
    const name = queue('logs');
    const secret = `secret-${randomUUID()}`;
    let calls = 0;
    await b.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received) => {
      calls++;
      if (calls === 1) throw new Error('the store is down');
      if (calls === 2) return { kind: 'retry', delayMs: 300, job: { ...received, note: secret } };
      return { kind: 'done' };
    });
    const sent = job({ body: secret });
    await b.enqueueJob(name, sent);
    adminChannel.sendToQueue(name, Buffer.from(`{"id": "${secret}`));
    await eventually(() => expect(calls).toBe(3));
    await eventually(async () => expect(await ready(`${name}.dead`)).toBe(1));
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          queue: name,
          jobId: sent.id,
          msg: 'job handler failed; the job will be delivered again',
        }),
        expect.objectContaining({ queue: name, jobId: sent.id, outcome: 'retry', delayMs: 300 }),
        expect.objectContaining({ queue: name, jobId: sent.id, outcome: 'done' }),
        expect.objectContaining({ queue: name, msg: 'unreadable job parked' }),
      ]),
    );
    expect(lines.join('\n')).not.toContain(secret);
  });
});
