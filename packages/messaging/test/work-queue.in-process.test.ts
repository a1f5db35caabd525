import { randomUUID } from 'node:crypto';
import { createLogger, silentLogger } from '@slotkeeper/observability';
import { describe, expect, it, vi } from 'vitest';
import { InProcessBus, type Job } from '../src/index.js';

const eventually = async (check: () => unknown, ms = 5_000): Promise<void> =>
  void (await vi.waitFor(check, { timeout: ms, interval: 10 }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const job = (fields: Record<string, unknown> = {}): Job => ({ id: randomUUID(), ...fields });
const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('the in-process bus as work queues', () => {
  it('when a handler never finishes, then enqueueJob still resolves and later jobs still run', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const started: string[] = [];
    await bus.consumeJobs('q', { delaysMs: [] }, async (received) => {
      started.push(received.id);
      if (received.hang) await new Promise(() => undefined);
      return { kind: 'done' };
    });
    const [hanging, next] = [job({ hang: true }), job()];
    await bus.enqueueJob('q', hanging);
    await bus.enqueueJob('q', next);
    await eventually(() => expect(started).toEqual([hanging.id, next.id]));
    // The hanging handler is left behind once close's bound has passed.
    await bus.close(50);
  });

  it('when more jobs are due than the concurrency, then the rest wait their turn, in order', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const events: string[] = [];
    await bus.consumeJobs('q', { delaysMs: [], concurrency: 2 }, async (received) => {
      events.push(`start ${received.n}`);
      await sleep(30);
      events.push(`end ${received.n}`);
      return { kind: 'done' };
    });
    for (const n of [1, 2, 3, 4]) await bus.enqueueJob('q', job({ n }));
    await bus.jobsIdle();
    expect(events.slice(0, 2)).toEqual(['start 1', 'start 2']);
    expect(events.indexOf('start 3')).toBeGreaterThan(events.indexOf('end 1'));
    expect(events.filter((e) => e.startsWith('end'))).toHaveLength(4);
    await bus.close();
  });

  it('hands the handler a JSON copy: later changes on either side reach nobody', async () => {
    const bus = new InProcessBus({ logger: silentLogger(), retryDelayMs: 1 });
    const received: Job[] = [];
    await bus.consumeJobs('q', { delaysMs: [] }, async (got) => {
      received.push(structuredClone(got));
      got.body = 'changed by the handler';
      if (received.length === 1) throw new Error('once');
      return { kind: 'done' };
    });
    const at = new Date('2026-12-01T10:00:00Z');
    const sent = job({ body: 'original', at, nothing: undefined });
    await bus.enqueueJob('q', sent);
    sent.body = 'changed by the enqueuer';
    await bus.jobsIdle();
    const copy = { id: sent.id, body: 'original', at: '2026-12-01T10:00:00.000Z' };
    expect(received).toEqual([copy, copy]);
  });

  it('when a retry waits, then it runs after its delay; jobsIdle waits for it too', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const arrivals: Array<{ attempt: unknown; at: number }> = [];
    await bus.consumeJobs('q', { delaysMs: [150] }, async (received) => {
      arrivals.push({ attempt: received.attempt, at: performance.now() });
      if (received.attempt === 1) return { kind: 'retry', delayMs: 150, job: { ...received, attempt: 2 } };
      return { kind: 'done' };
    });
    await bus.enqueueJob('q', job({ attempt: 1 }));
    await bus.jobsIdle();
    expect(arrivals.map((a) => a.attempt)).toEqual([1, 2]);
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(150);
  });

  it('when a handler keeps throwing, then the job is tried maxAttempts times and dead-lettered with a log line, not its contents', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line) => void lines.push(line) } });
    const bus = new InProcessBus({ logger, maxAttempts: 3, retryDelayMs: 5 });
    let attempts = 0;
    await bus.consumeJobs('q', { delaysMs: [] }, async () => {
      attempts++;
      throw new Error('the store is down');
    });
    const sent = job({ body: 'a webhook body' });
    await bus.enqueueJob('q', sent);
    await bus.jobsIdle();
    expect(attempts).toBe(3);
    expect(bus.deadLetters).toEqual([{ queue: 'q', job: sent, error: 'the store is down' }]);
    expect(lines.map((line) => JSON.parse(line) as object)).toContainEqual(
      expect.objectContaining({ queue: 'q', jobId: sent.id, attempt: 3, msg: 'job dead-lettered' }),
    );
    expect(lines.join('\n')).not.toContain('a webhook body');
  });

  it('when a retry asks for a wait the queue was not declared with, then it counts as a failure', async () => {
    const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 2, retryDelayMs: 1 });
    await bus.consumeJobs('q', { delaysMs: [100] }, async (received) => ({ kind: 'retry', delayMs: 5, job: received }));
    const sent = job();
    await bus.enqueueJob('q', sent);
    await bus.jobsIdle();
    expect(bus.deadLetters).toMatchObject([
      { queue: 'q', job: sent, error: expect.stringMatching(/no delay of 5 ms/) },
    ]);
  });

  it('when closed while a job is under way, then close waits for it, clears every timer, and no waiting job runs', async () => {
    const bus = new InProcessBus({ logger: silentLogger(), retryDelayMs: 1_000 });
    const before = timeouts();
    const ran: string[] = [];
    const finished: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await bus.consumeJobs('q', { delaysMs: [1_000, 60_000], concurrency: 1 }, async (received) => {
      ran.push(received.id);
      if (received.fail) throw new Error('fails');
      await gate;
      finished.push(received.id);
      return { kind: 'done' };
    });
    const [failing, running, queued, delayed, longWait] = [job({ fail: true }), job(), job(), job(), job()];
    for (const j of [failing, running, queued]) await bus.enqueueJob('q', j);
    await bus.enqueueJob('q', delayed, { delayMs: 1_000 });
    await bus.enqueueJob('q', longWait, { delayMs: 60_000 });
    await eventually(() => expect(ran).toEqual([failing.id, running.id]));
    expect(timeouts()).toBe(before + 3);

    let closed = false;
    const closing = bus.close().then(() => (closed = true));
    await sleep(50);
    expect(closed).toBe(false);
    release();
    await closing;

    expect(finished).toEqual([running.id]);
    expect(timeouts()).toBe(before);
    await sleep(250);
    expect(ran).toEqual([failing.id, running.id]);
    await expect(bus.jobsIdle()).resolves.toBeUndefined();
  });

  it('when a job hangs, then close gives up on it after its bound', async () => {
    const bus = new InProcessBus({ logger: silentLogger(), closeTimeoutMs: 200 });
    let started = false;
    await bus.consumeJobs('q', { delaysMs: [] }, async () => {
      started = true;
      return new Promise(() => undefined);
    });
    await bus.enqueueJob('q', job());
    await eventually(() => expect(started).toBe(true));
    const begun = performance.now();
    await bus.close();
    expect(performance.now() - begun).toBeGreaterThanOrEqual(190);
    expect(performance.now() - begun).toBeLessThan(1_000);
  });
});
