import type { Logger } from '@slotkeeper/observability';
import { z } from 'zod';
import { AmqpBus } from './amqp-bus.js';
import type { MessageBus } from './bus.js';
import { InProcessBus } from './in-process-bus.js';
import type { WorkQueues } from './work-queue.js';

export const busConfig = z.object({
  AMQP_URL: z.url().optional(),
  /** Namespace of the exchange and queues, so stacks sharing a broker never meet. */
  AMQP_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('slotkeeper'),
});

/** RabbitMQ when `AMQP_URL` is set; otherwise the in-process bus, which reaches only this process. */
export async function busFromConfig(
  config: z.infer<typeof busConfig>,
  logger: Logger,
): Promise<{ bus: MessageBus & WorkQueues & { isConnected?: () => boolean }; queue: (service: string) => string }> {
  const queue = (service: string) => `${config.AMQP_PREFIX}.${service}`;
  if (!config.AMQP_URL) return { bus: new InProcessBus({ logger }), queue };
  const bus = await AmqpBus.connect({ url: config.AMQP_URL, logger, exchange: `${config.AMQP_PREFIX}.events` });
  return { bus, queue };
}
