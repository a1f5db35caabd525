import { randomUUID } from 'node:crypto';
import { silentLogger } from '@slotkeeper/observability';
import { brokerTarget } from '@slotkeeper/testing';
import amqplib from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AmqpBus, InProcessBus, type Job, type JobDelivery, type WorkQueues } from '../src/index.js';

/** The waits every queue of this suite is declared with. */
const DELAYS_MS = [200, 300, 1_500];
/** How late a wait may end: the broker's hop and a loaded machine, well under a second. */
const LATE_MS = 1_000;

type Jobs = WorkQueues & { close(): Promise<void> };

const eventually = async (check: () => unknown, ms = 10_000): Promise<void> =>
  void (await vi.waitFor(check, { timeout: ms, interval: 10 }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const job = (fields: Record<string, unknown> = {}): Job => ({ id: randomUUID(), ...fields });

/**
 * The work-queue contract, run against every adapter: `open` gives a fresh bus, `queue` a queue
 * name no other test uses.
 */
function workQueueContract(open: () => Promise<Jobs>, queue: (name: string) => string) {
  const opened: Jobs[] = [];
  const jobs = async () => {
    const bus = await open();
    opened.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()));
  });

  it('when a job is enqueued, then it is handled once, as a copy of what was enqueued', async () => {
    const bus = await jobs();
    const name = queue('once');
    const handled: Array<[Job, JobDelivery]> = [];
    await bus.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received, delivery) => {
      handled.push([received, delivery]);
      return { kind: 'done' };
    });
    const sent = job({ body: { text: 'hello', n: 1 } });
    await bus.enqueueJob(name, sent);
    await eventually(() => expect(handled).toHaveLength(1));
    await sleep(300);
    expect(handled).toEqual([[sent, { redelivered: false }]]);
    expect(handled[0]![0]).not.toBe(sent);
  });

  it('when the handler is slow, then enqueueJob resolves without waiting for it', async () => {
    const bus = await jobs();
    const name = queue('slow');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    await bus.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received) => {
      started.push(received.id);
      await gate;
      return { kind: 'done' };
    });
    const sent = job();
    await bus.enqueueJob(name, sent);
    await eventually(() => expect(started).toEqual([sent.id]));
    release();
  });

  it('when the handler asks for a retry, then the new copy arrives after its delay, not before', async () => {
    const bus = await jobs();
    const name = queue('retry');
    const arrivals: Array<{ job: Job; at: number }> = [];
    let retriedAt = 0;
    await bus.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received) => {
      arrivals.push({ job: received, at: performance.now() });
      if (received.attempt !== 1) return { kind: 'done' };
      retriedAt = performance.now();
      return { kind: 'retry', delayMs: 300, job: { ...received, attempt: 2 } };
    });
    const sent = job({ attempt: 1 });
    await bus.enqueueJob(name, sent);
    await eventually(() => expect(arrivals).toHaveLength(2));
    expect(arrivals.map((a) => a.job)).toEqual([sent, { ...sent, attempt: 2 }]);
    const waited = arrivals[1]!.at - retriedAt;
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(300 + LATE_MS);
  });

  it('when a short wait is queued after a long one, then it is not held behind it', async () => {
    const bus = await jobs();
    const name = queue('levels');
    const arrivals: Array<{ id: string; at: number }> = [];
    await bus.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received) => {
      arrivals.push({ id: received.id, at: performance.now() });
      return { kind: 'done' };
    });
    const [long, short] = [job(), job()];
    const start = performance.now();
    await bus.enqueueJob(name, long, { delayMs: 1_500 });
    await bus.enqueueJob(name, short, { delayMs: 200 });
    await eventually(() => expect(arrivals).toHaveLength(2));
    expect(arrivals.map((a) => a.id)).toEqual([short.id, long.id]);
    const [shortAt, longAt] = arrivals.map((a) => a.at - start) as [number, number];
    expect(shortAt).toBeGreaterThanOrEqual(200);
    expect(shortAt).toBeLessThan(200 + LATE_MS);
    expect(longAt).toBeGreaterThanOrEqual(1_500);
    expect(longAt).toBeLessThan(1_500 + LATE_MS);
  });

  it('when the handler throws, then the job comes again, marked redelivered', async () => {
    const bus = await jobs();
    const name = queue('throws');
    const deliveries: Array<[string, JobDelivery]> = [];
    await bus.consumeJobs(name, { delaysMs: DELAYS_MS }, async (received, delivery) => {
      deliveries.push([received.id, delivery]);
      if (deliveries.length === 1) throw new Error('the store is down');
      return { kind: 'done' };
    });
    const sent = job();
    await bus.enqueueJob(name, sent);
    await eventually(() => expect(deliveries).toHaveLength(2));
    await sleep(200);
    expect(deliveries).toEqual([
      [sent.id, { redelivered: false }],
      [sent.id, { redelivered: true }],
    ]);
  });

  it('when the concurrency is 2, then at most two jobs are handled at once', async () => {
    const bus = await jobs();
    const name = queue('concurrency');
    let running = 0;
    let most = 0;
    const done: string[] = [];
    await bus.consumeJobs(name, { delaysMs: DELAYS_MS, concurrency: 2 }, async (received) => {
      most = Math.max(most, ++running);
      await sleep(50);
      running--;
      done.push(received.id);
      return { kind: 'done' };
    });
    await Promise.all(Array.from({ length: 6 }, () => bus.enqueueJob(name, job())));
    await eventually(() => expect(done).toHaveLength(6));
    expect(most).toBe(2);
  });

  it('refuses a job for a queue not consumed here, or with a wait the queue was not declared with', async () => {
    const bus = await jobs();
    const name = queue('refused');
    await expect(bus.enqueueJob(name, job())).rejects.toThrow(/not declared/);
    await bus.consumeJobs(name, { delaysMs: DELAYS_MS }, async () => ({ kind: 'done' }));
    await expect(bus.enqueueJob(name, job(), { delayMs: 700 })).rejects.toThrow(/no delay of 700 ms/);
    await expect(bus.consumeJobs(name, { delaysMs: DELAYS_MS }, async () => ({ kind: 'done' }))).rejects.toThrow(
      /consumed here already/,
    );
    await expect(
      bus.consumeJobs(queue('bad-delay'), { delaysMs: [0.5] }, async () => ({ kind: 'done' })),
    ).rejects.toThrow(/positive whole number/);
  });
}

describe('WorkQueues contract [in-process]', () => {
  let n = 0;
  workQueueContract(
    async () => new InProcessBus({ logger: silentLogger(), retryDelayMs: 50 }),
    (name) => `${name}.${++n}`,
  );
});

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] WorkQueues contract [amqp]: ${broker.reason}`);

describe.skipIf(!broker.url)('WorkQueues contract [amqp]', () => {
  const run = randomUUID().slice(0, 8);
  const names: string[] = [];
  let admin: amqplib.ChannelModel;

  beforeAll(async () => {
    admin = await amqplib.connect(broker.url!);
  });
  afterAll(async () => {
    const channel = await admin.createChannel();
    for (const name of names) {
      for (const queue of [name, `${name}.dead`, ...DELAYS_MS.map((ms) => `${name}.delay.${ms}`)]) {
        await channel.deleteQueue(queue).catch(() => undefined);
      }
    }
    await admin.close();
    if ('stop' in broker) await broker.stop();
  });

  workQueueContract(
    () => AmqpBus.connect({ url: broker.url!, logger: silentLogger(), retryDelayMs: 50 }),
    (name) => {
      const full = `test.${run}.wq.${name}`;
      names.push(full);
      return full;
    },
  );
});
