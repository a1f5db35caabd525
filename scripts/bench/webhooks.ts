/**
 * Webhook delivery lag on the multi-process stack over the real broker (in-memory stores): the
 * time from a booking's 201 at the client to its `event.booked` POST arriving at a receiver on
 * loopback, at a paced 200 bookings/s (the target: p99 under 50 ms); the deliveries per second
 * reached when 32 clients book as fast as they can; and those the webhook service reaches alone,
 * from messages put straight on its queue. A tap on the events exchange (a queue of its own,
 * bound like the services') splits the lag into the booking's relay to the broker and the
 * webhook service's part (fan-out, the deliveries' work queue, POST).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { apiClient, apiSetup, bearer, expectStatus } from '@slotkeeper/testing/api';
import { startWebhookReceiver } from '@slotkeeper/testing/webhooks';
import amqplib from 'amqplib';
import { deleteStackTopology, startStack } from '../stack/launch.js';
import { cpuPerRequest, cpuSnapshot, localBrokerPid, type CpuSnapshot } from './process-cpu.js';
import { benchClient, type Rows } from './timed-client.js';

const OWNERS = 20;
const CALENDARS_EACH = 10;
const RATE = 200;
const PHASE_MS = 10_000;
const WARM_UP_MS = 2_000;
const IDLE_MS = 2_000;
const ALONE_MESSAGES = 20_000;
const ALONE_IN_FLIGHT = 200;
const CLIENTS = 32;
const TARGET_P99_MS = 50;
const SLOT_MS = 15 * 60_000;
/** /proc/stat counts USER_HZ ticks: 100 a second on Linux's ABIs. */
const MS_PER_TICK = 10;
const BASE = Date.parse('2030-01-07T00:00:00Z'); // a Monday

/** The receiver's clock (`ReceivedWebhook.at`): milliseconds since the epoch, sub-millisecond. */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const percentile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (value: number) => +value.toFixed(1);
/** p50, p90, p99 and max of `values` (ms). */
function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50_ms: ms(percentile(sorted, 0.5)),
    p90_ms: ms(percentile(sorted, 0.9)),
    p99_ms: ms(percentile(sorted, 0.99)),
    max_ms: ms(sorted.at(-1) ?? NaN),
  };
}

/** The whole machine's CPU ticks so far, from /proc/stat: busy (neither idle nor iowait), and stolen by the host. */
function hostTicks(): { total: number; busy: number; steal: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { total, busy: total - idle - iowait, steal };
  } catch {
    return undefined;
  }
}

/**
 * A phase's share of the machine's CPU: busy, stolen by the host, and busy in processes other
 * than the stack's, the broker's and this one's (`ownMs`: their CPU time meanwhile); and the
 * load average when it ended.
 */
function hostLoad(before: ReturnType<typeof hostTicks>, after: ReturnType<typeof hostTicks>, ownMs: number) {
  const [one, five] = loadavg();
  const load = `${one!.toFixed(2)} / ${five!.toFixed(2)}`;
  if (!before || !after) return { 'load 1 / 5 min': load };
  const total = after.total - before.total;
  const percent = (ticks: number) => `${Math.max(0, (ticks / total) * 100).toFixed(0)} %`;
  return {
    'CPU busy': percent(after.busy - before.busy),
    'of it, other processes': percent(after.busy - before.busy - ownMs / MS_PER_TICK),
    'CPU stolen': percent(after.steal - before.steal),
    'load 1 / 5 min': load,
  };
}

/** CPU milliseconds the processes of two snapshots spent between them, all together. */
const spentMs = (before: CpuSnapshot, after: CpuSnapshot) =>
  [...after].reduce((sum, [name, spent]) => sum + spent - (before.get(name) ?? spent), 0);

/** An EventBooked message as the tap reads it. */
interface Tapped {
  id: string;
  occurred_at: string;
  data: { id: string; calendar_id: string };
}

/** What one booking left: when its 201 came, how long it took, and when its message and its POST arrived. */
interface Booked {
  answeredAt: number;
  latency: number;
  occurredAt?: number;
  tappedAt?: number;
  deliveredAt?: number;
  copies: number;
}

export async function benchWebhooks(): Promise<Record<string, Rows>> {
  const amqpUrl = process.env.AMQP_URL;
  if (!amqpUrl) throw new Error('the webhooks benchmark needs AMQP_URL (the local RabbitMQ)');
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  // Below the kernel's ephemeral ports (32768 on), which outgoing connections take.
  const port = 21_000 + Math.floor(Math.random() * 11_000);
  const receiver = await startWebhookReceiver(() => 204);
  const tap = await amqplib.connect(amqpUrl, { noDelay: true });
  const stack = await startStack({
    gatewayPort: port,
    basePort: port,
    env: {
      AMQP_URL: amqpUrl,
      AMQP_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      // One client address sends everything here: the per-IP rate limit would measure itself.
      RATE_LIMIT_PER_MINUTE: '1000000000',
      // The receiver is on loopback.
      ALLOW_PRIVATE_URLS: 'true',
    },
  });
  const { call, close } = benchClient(stack.gatewayUrl, 64);
  const api = apiSetup(apiClient(stack.gatewayUrl));
  const broker = localBrokerPid();
  const processes = () => new Map([...stack.pids(), ...(broker ? [['RabbitMQ', broker] as const] : [])]);

  try {
    // OWNERS owners of CALENDARS_EACH calendars each; every owner has one webhook for event.booked.
    const calendars: string[] = [];
    for (let i = 0; i < OWNERS; i++) {
      const open = await api.openCalendars(CALENDARS_EACH, { name: `Bench ${i}`, email: `${prefix}-${i}@example.com` });
      await expectStatus(
        api.client.POST('/api/user/users/{user_id}/webhooks', {
          params: { path: { user_id: open.owner.id } },
          body: { url: receiver.url, events: ['event.booked'] },
          headers: bearer(open.owner.api_key),
        }),
        201,
      );
      calendars.push(...open.calendars.map((calendar) => calendar.id));
      // Booking learns each calendar from the broker; wait until it knows the owner's last one.
      const last = `/api/calendar/calendars/${calendars.at(-1)}/events`;
      while ((await call('GET', last, undefined, bearer(open.owner.api_key))).status !== 200) await sleep(20);
    }

    const booked = new Map<string, Booked>();
    let sentCount = 0;
    const slotCursor = new Map<string, number>();
    /** Books the next free slot of the i-th calendar in turn; the event's id once it is made. */
    const book = async (): Promise<string | undefined> => {
      const calendarId = calendars[(sentCount++ * 7) % calendars.length]!;
      const slot = slotCursor.get(calendarId) ?? 0;
      slotCursor.set(calendarId, slot + 1);
      const start = BASE + slot * SLOT_MS;
      const result = await call('POST', '/api/event/events', {
        calendar_id: calendarId,
        title: 'bench',
        booked_by: 'bench@example.com',
        start_time: new Date(start).toISOString(),
        end_time: new Date(start + SLOT_MS).toISOString(),
      });
      const answeredAt = now();
      if (result.status !== 201) return undefined;
      const id = (JSON.parse(result.body) as { id: string }).id;
      const entry = booked.get(id);
      // The tap may have seen the message before the 201 was read.
      booked.set(id, { copies: 0, ...entry, answeredAt, latency: result.ms });
      return id;
    };
    const entryOf = (id: string): Booked => {
      let entry = booked.get(id);
      if (!entry) booked.set(id, (entry = { answeredAt: NaN, latency: NaN, copies: 0 }));
      return entry;
    };

    let template: Tapped | undefined;
    // The tap: every EventBooked as the services' queues get it, with the booking service's occurred_at.
    const channel = await tap.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, `${prefix}.events`, 'EventBooked');
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const tappedAt = now();
        const envelope = JSON.parse(message.content.toString('utf8')) as Tapped;
        template = envelope;
        const entry = entryOf(envelope.data.id);
        entry.tappedAt = tappedAt;
        // occurred_at is the wall clock (Date), to the millisecond; `now()` is brought onto it.
        entry.occurredAt = Date.parse(envelope.occurred_at) - (Date.now() - now());
      },
      { noAck: true },
    );
    let read = 0;
    const readReceiver = () => {
      for (; read < receiver.received.length; read++) {
        const request = receiver.received[read]!;
        const entry = entryOf((JSON.parse(request.body) as { data: { id: string } }).data.id);
        entry.copies++;
        entry.deliveredAt ??= request.at;
      }
    };
    /** Waits until every event of `ids` has had its POST, or `timeoutMs` passed. */
    const delivered = async (ids: string[], timeoutMs: number) => {
      const until = now() + timeoutMs;
      for (;;) {
        readReceiver();
        if (ids.every((id) => booked.get(id)?.deliveredAt !== undefined) || now() > until) break;
        await sleep(20);
      }
    };

    /** Bookings at RATE a second for `durationMs`, open loop; the ids made. */
    async function paced(durationMs: number) {
      const total = (RATE * durationMs) / 1000;
      const started = now();
      const sends: Array<Promise<string | undefined>> = [];
      for (let i = 0; i < total; i++) {
        const wait = started + (i * 1000) / RATE - now();
        if (wait > 0) await sleep(wait);
        sends.push(book());
      }
      return (await Promise.all(sends)).filter((id) => id !== undefined);
    }

    /** CLIENTS clients booking as fast as answers come for `durationMs`; the ids made. */
    async function unpaced(durationMs: number) {
      const ids: string[] = [];
      const until = now() + durationMs;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (now() < until) {
            const id = await book();
            if (id) ids.push(id);
          }
        }),
      );
      return ids;
    }

    /** Runs a measured phase, waits for its deliveries, and sums it up. */
    async function measure(name: string, run: () => Promise<string[]>) {
      const cpuBefore = cpuSnapshot(processes());
      const hostBefore = hostTicks();
      const started = now();
      const ids = await run();
      const ended = now();
      const hostAfter = hostTicks();
      const cpuAfter = cpuSnapshot(processes());
      const cpu = cpuPerRequest(cpuBefore, cpuAfter, ids.length);
      const host = hostLoad(hostBefore, hostAfter, spentMs(cpuBefore, cpuAfter));
      await delivered(ids, 120_000);
      const entries = ids.map((id) => booked.get(id)!);
      const arrived = entries.filter((entry) => entry.deliveredAt !== undefined);
      const inPhase = arrived.filter((entry) => entry.deliveredAt! <= ended).length;
      const lastAt = Math.max(...arrived.map((entry) => entry.deliveredAt!));
      const lags = arrived.map((entry) => entry.deliveredAt! - entry.answeredAt);
      const latency = spread(entries.map((entry) => entry.latency));
      const lag = spread(lags);
      const row = {
        case: name,
        'bookings/s': Math.round((ids.length / (ended - started)) * 1000),
        delivered: `${arrived.length} of ${ids.length}`,
        duplicates: arrived.reduce((sum, entry) => sum + entry.copies - 1, 0),
        'deliveries/s in phase': Math.round((inPhase / (ended - started)) * 1000),
        'last POST after the phase (ms)': Math.round(lastAt - ended),
        'lag p50_ms': lag.p50_ms,
        'lag p90_ms': lag.p90_ms,
        'lag p99_ms': lag.p99_ms,
        'lag max_ms': lag.max_ms,
        'booking p50_ms': latency.p50_ms,
        'booking p99_ms': latency.p99_ms,
      };
      const tapped = arrived.filter((entry) => entry.tappedAt !== undefined && entry.occurredAt !== undefined);
      const stages: Rows = [
        {
          case: `${name}: occurred_at -> 201 read by the client`,
          ...spread(tapped.map((e) => e.answeredAt - e.occurredAt!)),
        },
        {
          case: `${name}: 201 -> EventBooked at the tap (outbox relay, broker)`,
          ...spread(tapped.map((e) => e.tappedAt! - e.answeredAt)),
        },
        {
          case: `${name}: tap -> POST at the receiver (webhook service)`,
          ...spread(tapped.map((e) => e.deliveredAt! - e.tappedAt!)),
        },
        { case: `${name}: 201 -> POST at the receiver (the lag)`, ...lag },
      ];
      return { row, stages, host: { case: name, ...host }, cpu: { case: name, ...cpu }, p99: row['lag p99_ms'] };
    }

    // Untimed: the code runs compiled, the connections are open, the caches are warm.
    await delivered(await paced(WARM_UP_MS), 30_000);
    // What the machine does with the stack up and no bookings (pollers, timers, the broker's own work).
    const idleBefore = hostTicks();
    const idleCpu = cpuSnapshot(processes());
    await sleep(IDLE_MS);
    const idleOwn = spentMs(idleCpu, cpuSnapshot(processes()));
    const idle = { case: `no bookings, ${IDLE_MS / 1000} s`, ...hostLoad(idleBefore, hostTicks(), idleOwn) };
    const steady = await measure(`paced ${RATE}/s for ${PHASE_MS / 1000} s`, () => paced(PHASE_MS));
    const flat = await measure(`unpaced, ${CLIENTS} clients for ${PHASE_MS / 1000} s`, () => unpaced(PHASE_MS));
    /**
     * The webhook service alone: copies of a booked event's message (new ids, the calendars in
     * turn) put straight on its queue, confirmed, ALONE_IN_FLIGHT at a time; the deliveries per
     * second it reaches when no booking competes for the CPU.
     */
    async function alone() {
      if (!template) throw new Error('the tap saw no EventBooked to copy');
      const model = template;
      const publisher = await tap.createConfirmChannel();
      const cpuBefore = cpuSnapshot(processes());
      const hostBefore = hostTicks();
      const ids: string[] = [];
      const started = now();
      for (let i = 0; i < ALONE_MESSAGES; i += ALONE_IN_FLIGHT) {
        for (let j = i; j < Math.min(i + ALONE_IN_FLIGHT, ALONE_MESSAGES); j++) {
          const id = randomBytes(12).toString('hex');
          ids.push(id);
          const message = {
            ...model,
            id: randomUUID(),
            data: { ...model.data, id, calendar_id: calendars[j % calendars.length]! },
          };
          publisher.publish('', `${prefix}.webhook`, Buffer.from(JSON.stringify(message)), {
            persistent: true,
            messageId: message.id,
            type: 'EventBooked',
            contentType: 'application/json',
          });
        }
        await publisher.waitForConfirms();
      }
      const published = now();
      await delivered(ids, 120_000);
      const arrivals = ids.map((id) => booked.get(id)?.deliveredAt).filter((at) => at !== undefined);
      const lastAt = Math.max(...arrivals);
      const cpuAfter = cpuSnapshot(processes());
      const cpu = cpuPerRequest(cpuBefore, cpuAfter, ids.length);
      await publisher.close();
      return {
        row: {
          case: `the webhook service alone: ${ALONE_MESSAGES} messages put on its queue`,
          delivered: `${arrivals.length} of ${ids.length}`,
          'published/s': Math.round((ids.length / (published - started)) * 1000),
          'deliveries/s': Math.round((arrivals.length / (lastAt - started)) * 1000),
        },
        host: { case: 'the webhook service alone', ...hostLoad(hostBefore, hostTicks(), spentMs(cpuBefore, cpuAfter)) },
        cpu: { case: 'the webhook service alone (per delivery)', ...cpu },
      };
    }
    const webhookOnly = await alone();

    console.log(
      `lag p99 at ${RATE}/s: ${steady.p99} ms, target < ${TARGET_P99_MS} ms: ${steady.p99 < TARGET_P99_MS ? 'met' : 'missed'}`,
    );
    return {
      'bookings and their event.booked POSTs': [steady.row, flat.row],
      'deliveries without bookings': [webhookOnly.row],
      'where the lag goes (ms; the tap is a queue of this process bound to the events exchange)': [
        ...steady.stages,
        ...flat.stages,
      ],
      'host during each phase (/proc/stat, load average at its end)': [idle, steady.host, flat.host, webhookOnly.host],
      'CPU per booking by process (µs), from /proc': [steady.cpu, flat.cpu, webhookOnly.cpu],
    };
  } finally {
    await tap.close();
    await close();
    await receiver.close();
    await stack.stop();
    await deleteStackTopology(amqpUrl, prefix);
  }
}
