/**
 * The messaging share of a booking, without HTTP or a store: EventBooked messages published
 * through the services' own AmqpBus (publisher confirms, 32 in flight) to two consumers on
 * connections and quorum queues of their own, as the calendar and notification services take
 * them. What it costs per message is a floor under the booking benchmark's CPU per booking.
 */
import { randomUUID } from 'node:crypto';
import { createEnvelope, type MessageData } from '@slotkeeper/contracts';
import { AmqpBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import type { Rows } from './timed-client.js';
import { cpuPerRequest, cpuSnapshot, localBrokerPid } from './process-cpu.js';
import { deleteStackTopology } from '../stack/launch.js';

const MESSAGES = 20_000;
const IN_FLIGHT = 32;

const event = (): MessageData<'EventBooked'> => ({
  id: randomUUID(),
  calendar_id: randomUUID(),
  title: 'bench',
  start_time: '2030-01-07T09:00:00.000Z',
  end_time: '2030-01-07T09:15:00.000Z',
  booked_by: 'bench@example.com',
  booker_name: null,
  notes: null,
  guests: [],
  status: 'confirmed',
  created_at: '2030-01-01T00:00:00.000Z',
  version: 1,
});

export async function benchBroker(): Promise<Rows> {
  const amqpUrl = process.env.AMQP_URL;
  if (!amqpUrl) throw new Error('the broker benchmark needs AMQP_URL (the local RabbitMQ)');
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const connect = () => AmqpBus.connect({ url: amqpUrl, logger: silentLogger(), exchange: `${prefix}.events` });
  const [publisher, ...consumers] = await Promise.all([connect(), connect(), connect()]);
  try {
    let received = 0;
    let allReceived: () => void = () => {};
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    await Promise.all(
      ['calendar', 'notification'].map((service, i) =>
        consumers[i]!.subscribe(`${prefix}.${service}`, ['EventBooked'], async () => {
          if (++received === 2 * MESSAGES) allReceived();
        }),
      ),
    );
    const broker = localBrokerPid();
    const measured = new Map(broker ? [['RabbitMQ', broker]] : []);
    const before = cpuSnapshot(measured);
    const started = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (sent < MESSAGES) {
          sent++;
          await publisher.publish(createEnvelope('EventBooked', event(), new Date()));
        }
      }),
    );
    const timeout = setTimeout(allReceived, 60_000);
    await done;
    clearTimeout(timeout);
    const ms = performance.now() - started;
    if (received < 2 * MESSAGES) throw new Error(`only ${received} of ${2 * MESSAGES} deliveries within 60 s`);
    const cpu = cpuPerRequest(before, cpuSnapshot(measured), MESSAGES);
    return [
      {
        case: `EventBooked to two consumers, ${IN_FLIGHT} in flight (${MESSAGES} messages)`,
        'msg/s': Math.round((MESSAGES / ms) * 1000),
        'RabbitMQ µs/msg': cpu.RabbitMQ ?? '',
        'publisher and consumers µs/msg': cpu['load generator']!,
      },
    ];
  } finally {
    await Promise.all([publisher, ...consumers].map((bus) => bus.close()));
    await deleteStackTopology(amqpUrl, prefix);
  }
}
