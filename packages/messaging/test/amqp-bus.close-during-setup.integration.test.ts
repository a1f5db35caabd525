import { randomUUID } from 'node:crypto';
import { silentLogger } from '@slotkeeper/observability';
import { brokerTarget, proxyFor, type TcpProxy } from '@slotkeeper/testing';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AmqpBus, type Job } from '../src/index.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] AmqpBus close during a reconnect: ${broker.reason}`);

const eventually = async (check: () => unknown, ms = 10_000): Promise<void> =>
  void (await vi.waitFor(check, { timeout: ms, interval: 10 }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The private start of a work queue's consumer, which a reconnect's `setup` calls for each queue. */
const jobContent = (job: Job) => Buffer.from(JSON.stringify(job));

type Starts = { startWorkConsumer: (...args: unknown[]) => Promise<void> };

describe.skipIf(!broker.url)('AmqpBus closing while a reconnect restarts its consumers', () => {
  const name = `test.${randomUUID().slice(0, 8)}.wq.close-during-setup`;
  let admin: amqplib.ChannelModel;
  let adminChannel: amqplib.Channel;
  let proxy: TcpProxy | undefined;
  let bus: AmqpBus | undefined;

  beforeAll(async () => {
    admin = await amqplib.connect(broker.url!);
    adminChannel = await admin.createChannel();
  });
  afterAll(async () => {
    await bus?.close().catch(() => undefined);
    await proxy?.close();
    for (const queue of [name, `${name}.dead`, `${name}.delay.300`]) {
      await adminChannel.deleteQueue(queue).catch(() => undefined);
    }
    await admin.close();
    if ('stop' in broker) await broker.stop();
  });

  it('when close begins while setup starts a consumer, then that consumer is cancelled: no job is given back until parked in .dead, and close returns once the handler under way is done', async () => {
    const proxied = await proxyFor(broker.url!);
    proxy = proxied.proxy;
    // The default delivery limit (20), as in production.
    bus = await AmqpBus.connect({ url: proxied.url, logger: silentLogger(), retryDelayMs: 50, closeTimeoutMs: 10_000 });
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The first job held: it keeps close waiting. Its copy, given to the new consumer, waits for it in one of the two places.
    await bus.consumeJobs(name, { delaysMs: [300], concurrency: 2 }, async (job) => {
      handled.push(job.id);
      if (job.id === 'in-hand') await gate;
      return { kind: 'done' };
    });
    await bus.enqueueJob(name, { id: 'in-hand' });
    await eventually(() => expect(handled).toEqual(['in-hand']));

    // The reconnect's setup begins to start the consumer, then close begins: the consumer starts after close's snapshot.
    const starts = bus as unknown as Starts;
    const start = starts.startWorkConsumer.bind(bus);
    let closing: Promise<void> | undefined;
    let started: Promise<void> | undefined;
    starts.startWorkConsumer = (...args) => {
      closing ??= bus!.close();
      started = start(...args);
      return started;
    };
    proxy.cut();
    // Jobs for the new consumer, enqueued while the bus is away (the admin connection does not go through the proxy).
    for (const id of ['first', 'second', 'third'])
      adminChannel.sendToQueue(name, jobContent({ id }), { persistent: true });
    await eventually(async () => expect((await adminChannel.checkQueue(name)).messageCount).toBe(4));
    proxy.restore();
    await eventually(() => expect(started).toBeDefined());
    await started!.catch(() => undefined);
    // Time enough for a consumer left running to give the jobs back twenty times over.
    await sleep(500);
    expect((await adminChannel.checkQueue(`${name}.dead`)).messageCount).toBe(0);

    release();
    const releasedAt = performance.now();
    await closing;
    expect(performance.now() - releasedAt).toBeLessThan(3_000);
    expect(handled).toEqual(['in-hand']);
    expect((await adminChannel.checkQueue(`${name}.dead`)).messageCount).toBe(0);
    // All four are back in the queue, for another instance: the one in hand lost its channel with the cut.
    await eventually(async () => expect((await adminChannel.checkQueue(name)).messageCount).toBe(4));
  });
});
