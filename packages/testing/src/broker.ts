/**
 * The broker the messaging suites use: `AMQP_URL` (the machine's RabbitMQ; CI always sets it).
 * Outside CI, a missing `AMQP_URL` skips those suites with this reason; under CI they never skip.
 */
export function brokerUrl(): { url: string } | { url: undefined; reason: string } {
  const url = process.env.AMQP_URL;
  if (url) return { url };
  if (process.env.CI === 'true') throw new Error('AMQP_URL must be set under CI: the RabbitMQ suites never skip there');
  return { url: undefined, reason: 'AMQP_URL is not set (e.g. amqp://guest:guest@127.0.0.1:5672)' };
}
