/**
 * Booking throughput and latency through the gateway on the multi-process stack over the real
 * broker (in-memory stores). Loopback only, every phase bounded in time.
 */
import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { apiClient, apiSetup, bearer } from '@slotkeeper/testing/api';
import { deleteStackTopology, startStack } from '../stack/launch.js';
import { cpuPerRequest, cpuSnapshot, localBrokerPid } from './process-cpu.js';
import { benchClient, type Rows, type Timed } from './timed-client.js';

const CALENDARS = 200;
const PHASE_MS = 5_000;
const WARM_UP_MS = 1_000;
const SLOT_MS = 15 * 60_000;
const BASE = Date.parse('2030-01-07T00:00:00Z'); // a Monday

/**
 * Waits until the consumers' queues hold no message ready for delivery (what a consumer has
 * taken but not yet acknowledged, at most its prefetch, is not counted) and says how long that
 * took (ms). The queue names are the stack's: `<prefix>.<service>`.
 */
async function drained(amqpUrl: string, prefix: string): Promise<number> {
  const started = performance.now();
  const connection = await amqplib.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    const until = started + 60_000;
    while (performance.now() < until) {
      const depths = await Promise.all(
        ['calendar', 'notification'].map((service) => channel.checkQueue(`${prefix}.${service}`)),
      );
      if (depths.every((queue) => queue.messageCount === 0)) return Math.round(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the consumers did not catch up within 60 s');
  } finally {
    await connection.close();
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The median and the 99th percentile of sorted latencies (ms). */
const quantiles = (sorted: number[]) => ({ p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) });

export async function benchBooking(): Promise<Record<string, Rows>> {
  const amqpUrl = process.env.AMQP_URL;
  if (!amqpUrl) throw new Error('the booking benchmark needs AMQP_URL (the local RabbitMQ)');
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  // Below the kernel's ephemeral ports (32768 on), which outgoing connections take.
  const port = 21_000 + Math.floor(Math.random() * 11_000);
  const stack = await startStack({
    gatewayPort: port,
    basePort: port,
    // One client address sends everything here: the per-IP rate limit would measure itself.
    env: { AMQP_URL: amqpUrl, AMQP_PREFIX: prefix, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000000' },
  });
  const { call, close } = benchClient(stack.gatewayUrl, 64);
  const api = apiSetup(apiClient(stack.gatewayUrl));

  // Where each request's CPU goes: the stack's processes, the local broker's, this one's.
  const broker = localBrokerPid();
  const processes = () => new Map([...stack.pids(), ...(broker ? [['RabbitMQ', broker] as const] : [])]);

  /** `concurrency` clients send as fast as answers come, for `ms`; the answers' latencies. */
  async function drive(concurrency: number, next: (i: number) => Promise<Timed>, ms: number) {
    const latencies: number[] = [];
    let counter = 0;
    let created = 0;
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const result = await next(counter++);
          latencies.push(result.ms);
          if (result.status < 300) created++;
        }
      }),
    );
    return { latencies: latencies.sort((a, b) => a - b), created };
  }

  /**
   * A closed-loop phase: an untimed second first, so that what is measured runs compiled, not
   * in the interpreter, then PHASE_MS measured, with the CPU each process spent meanwhile.
   */
  async function closedLoop(concurrency: number, next: (i: number) => Promise<Timed>) {
    await drive(concurrency, next, WARM_UP_MS);
    const before = cpuSnapshot(processes());
    const { latencies, created } = await drive(concurrency, next, PHASE_MS);
    return {
      rate: Math.round((latencies.length / PHASE_MS) * 1000),
      ok: created,
      ...quantiles(latencies),
      cpu: cpuPerRequest(before, cpuSnapshot(processes()), latencies.length),
    };
  }

  try {
    // CALENDARS calendars to spread bookings over, and one more for the hot calendar.
    const open = await api.openCalendars(CALENDARS + 1, { name: 'Bench', email: `${prefix}@example.com` });
    const user = open.owner;
    const owner = bearer(user.api_key);
    const calendars = open.calendars.map((calendar) => calendar.id);
    const slotCursor = new Map<string, number>();
    const book = (calendarId: string) => {
      const slot = slotCursor.get(calendarId) ?? 0;
      slotCursor.set(calendarId, slot + 1);
      const start = BASE + slot * SLOT_MS;
      return call('POST', '/api/event/events', {
        calendar_id: calendarId,
        title: 'bench',
        booked_by: 'bench@example.com',
        start_time: new Date(start).toISOString(),
        end_time: new Date(start + SLOT_MS).toISOString(),
      });
    };
    // Booking learns each calendar from the broker; wait until it knows the last one.
    while ((await call('GET', `/api/calendar/calendars/${calendars.at(-1)}/events`, undefined, owner)).status !== 200)
      await new Promise((r) => setTimeout(r, 20));

    // The owner reading itself: the same gateway hop, api key check (cached) included.
    const ceiling = await closedLoop(32, () => call('GET', `/api/user/users/${user.id}`, undefined, owner));
    // For comparison, the bare hop: the same route without a key, refused (401) by the user
    // service before any work, so neither the key check nor the store is in it.
    const bareHop = await closedLoop(32, () => call('GET', `/api/user/users/${user.id}`));
    const spread = await closedLoop(32, (i) => book(calendars[i % CALENDARS]!));
    // A calendar of its own: its thousands of events would swell the details the lag phase reads.
    const hot = await closedLoop(32, () => book(calendars[CALENDARS]!));
    // The consumers lag behind a saturated booking service; the paced phase starts once they have
    // caught up, and how long that took is a figure of its own.
    const drainMs = await drained(amqpUrl, prefix);

    // Open loop at 500 bookings/s, sampling the lag from 201 to the calendar detail.
    const paced: number[] = [];
    const lags: number[] = [];
    const lagChecks: Promise<void>[] = [];
    const total = 500 * (PHASE_MS / 1000);
    const started = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / 500;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const calendarId = calendars[(i * 7) % CALENDARS]!;
      sends.push(
        book(calendarId).then((result) => {
          paced.push(result.ms);
          if (i % 25 !== 0 || result.status !== 201) return;
          const id = (JSON.parse(result.body) as { id: string }).id;
          const bookedAt = performance.now();
          lagChecks.push(
            (async () => {
              for (let tries = 0; tries < 2_000; tries++) {
                const detail = await call('GET', `/api/calendar/calendars/${calendarId}`, undefined, owner);
                if (detail.body.includes(id)) return void lags.push(performance.now() - bookedAt);
              }
            })(),
          );
        }),
      );
    }
    await Promise.all(sends);
    await Promise.all(lagChecks);
    paced.sort((a, b) => a - b);
    lags.sort((a, b) => a - b);

    // 50 concurrent requests for one slot.
    const raceStart = performance.now();
    const race = await Promise.all(
      Array.from({ length: 50 }, () =>
        call('POST', '/api/event/events', {
          calendar_id: calendars[1],
          title: 'race',
          booked_by: 'r@example.com',
          start_time: '2031-01-06T09:00:00Z',
          end_time: '2031-01-06T09:30:00Z',
        }),
      ),
    );
    const raceMs = performance.now() - raceStart;

    const cpuRow = (name: string, cpu: Record<string, number>) => ({ case: name, ...cpu });
    /** A phase's row: its rate, as a share of the ceiling's, and its latencies. */
    const rateRow = (name: string, { rate, p50, p99 }: { rate: number; p50: number; p99: number }) => ({
      case: name,
      'req/s': rate,
      'of ceiling': `${((rate / ceiling.rate) * 100).toFixed(0)} %`,
      p50_ms: +p50.toFixed(2),
      p99_ms: +p99.toFixed(2),
    });
    /** The same columns, left empty, for the rows that are not a rate. */
    const noRate = { 'req/s': '', 'of ceiling': '', p50_ms: '', p99_ms: '' };
    const results: Rows = [
      rateRow('ceiling: GET a user through the gateway (32 clients)', ceiling),
      rateRow('bare hop: the same route refused without a key (32 clients)', bareHop),
      { ...rateRow(`bookings over ${CALENDARS} calendars (32 clients)`, spread), created: spread.ok },
      { ...rateRow('bookings on one hot calendar (32 clients)', hot), created: hot.ok },
      rateRow('bookings paced at 500/s', { rate: 500, ...quantiles(paced) }),
      {
        case: `lag 201 -> calendar detail (${lags.length} samples)`,
        ...noRate,
        p50_ms: +percentile(lags, 0.5).toFixed(2),
        p99_ms: +percentile(lags, 0.99).toFixed(2),
      },
      {
        case: '50 concurrent requests for one slot',
        ...noRate,
        took_ms: +raceMs.toFixed(1),
        created: race.filter((r) => r.status === 201).length,
      },
      { case: 'consumers caught up after the saturated phases', ...noRate, took_ms: drainMs },
    ];
    return {
      'rates and latencies': results,
      'CPU per request by process (µs), from /proc': [
        cpuRow('ceiling', ceiling.cpu),
        cpuRow('bare hop', bareHop.cpu),
        cpuRow(`bookings over ${CALENDARS} calendars`, spread.cpu),
        cpuRow('bookings on one hot calendar', hot.cpu),
      ],
    };
  } finally {
    await close();
    await stack.stop();
    await deleteStackTopology(amqpUrl, prefix);
  }
}
