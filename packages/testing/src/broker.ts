import { dockerReachable } from './mongo-target.js';

export type BrokerTarget = { url: string; stop: () => Promise<void> } | { url: undefined; reason: string };

/**
 * The broker the messaging suites use: `AMQP_URL` (the machine's RabbitMQ; CI always sets it),
 * else a testcontainers RabbitMQ where a Docker engine answers. Outside CI, with neither, those
 * suites skip with the reason; under CI they never skip.
 */
export async function brokerTarget(): Promise<BrokerTarget> {
  const url = process.env.AMQP_URL;
  if (url) return { url, stop: async () => {} };
  if (process.env.CI === 'true') throw new Error('AMQP_URL must be set under CI: the RabbitMQ suites never skip there');
  if (!dockerReachable()) return { url: undefined, reason: 'AMQP_URL is not set and no Docker engine answers' };
  try {
    const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
    const container = await new RabbitMQContainer('rabbitmq:3.13').start();
    return { url: container.getAmqpUrl(), stop: async () => void (await container.stop()) };
  } catch (error) {
    return { url: undefined, reason: `AMQP_URL is not set and a RabbitMQ container did not start: ${String(error)}` };
  }
}
