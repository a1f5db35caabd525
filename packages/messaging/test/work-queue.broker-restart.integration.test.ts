import { silentLogger } from '@slotkeeper/observability';
import { rabbitNodeMissing, startRabbitNode, type RabbitNode } from '@slotkeeper/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AmqpBus, type JobDelivery } from '../src/index.js';

// The machine's broker serves every other suite at once: this one restarts a node of its own.
if (rabbitNodeMissing) console.warn(`[skip] work queues across a broker restart: ${rabbitNodeMissing}`);

const eventually = async (check: () => unknown, ms = 15_000): Promise<void> =>
  void (await vi.waitFor(check, { timeout: ms, interval: 20 }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(rabbitNodeMissing !== undefined)('AmqpBus work queues across a restart of their broker', () => {
  let node: RabbitNode | undefined;
  let bus: AmqpBus | undefined;

  beforeAll(async () => {
    node = await startRabbitNode();
  });
  afterAll(async () => {
    await bus?.close();
    await node?.stop();
  });

  it('when the broker restarts, then every job arrives: the one in hand, the ready one, and those waiting, even a wait that ran out while it was down', async () => {
    bus = await AmqpBus.connect({ url: node!.url, logger: silentLogger(), retryDelayMs: 50 });
    const name = 'wq.restart';
    const arrivals: Array<{ id: string; delivery: JobDelivery; at: number }> = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // One at a time, and the first held: the jobs behind it stay in the queue, ready.
    await bus.consumeJobs(name, { delaysMs: [1_500, 5_000], concurrency: 1 }, async (job, delivery) => {
      arrivals.push({ id: job.id, delivery, at: performance.now() });
      if (job.id === 'in-hand' && !delivery.redelivered) await gate;
      return { kind: 'done' };
    });
    await bus.enqueueJob(name, { id: 'in-hand' });
    await eventually(() => expect(arrivals).toHaveLength(1));
    await bus.enqueueJob(name, { id: 'ready' });
    const enqueuedAt = performance.now();
    await bus.enqueueJob(name, { id: 'runs-out-while-down' }, { delayMs: 1_500 });
    await bus.enqueueJob(name, { id: 'waits-past-restart' }, { delayMs: 5_000 });

    await node!.stopApp();
    const stoppedAt = performance.now();
    await eventually(() => expect(bus!.isConnected()).toBe(false));
    await sleep(enqueuedAt + 2_000 - performance.now());
    // Its ack goes nowhere: the broker gives the job again.
    release();
    const restartedAt = performance.now();
    await node!.startApp();
    await eventually(() => expect(bus!.isConnected()).toBe(true));

    await eventually(() => expect(arrivals).toHaveLength(5));
    const after = arrivals.slice(1);
    expect(after.map((a) => a.id).sort()).toEqual(['in-hand', 'ready', 'runs-out-while-down', 'waits-past-restart']);
    expect(after.find((a) => a.id === 'in-hand')!.delivery).toEqual({ redelivered: true });
    // The wait ran out while the broker was down, and the job still came out of it.
    const ranOut = after.find((a) => a.id === 'runs-out-while-down')!;
    expect(stoppedAt - enqueuedAt).toBeLessThan(1_500);
    expect(restartedAt - enqueuedAt).toBeGreaterThan(1_500);
    expect(ranOut.at).toBeGreaterThan(restartedAt);
    // The longer wait counted from its enqueue, across the outage.
    expect(after.find((a) => a.id === 'waits-past-restart')!.at - enqueuedAt).toBeGreaterThanOrEqual(5_000);
  });
});
