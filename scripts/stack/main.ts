import { startStack } from './launch.js';

const amqpUrl = process.env.AMQP_URL;
if (!amqpUrl) {
  console.error('start:stack needs AMQP_URL (e.g. amqp://guest:guest@127.0.0.1:5672); MONGODB_URL is optional');
  process.exit(1);
}
const gatewayPort = Number(process.env.PORT ?? 3000);
const stack = await startStack({
  gatewayPort,
  basePort: Number(process.env.SERVICES_BASE_PORT ?? 4100),
  env: { AMQP_URL: amqpUrl, MONGODB_URL: process.env.MONGODB_URL, AMQP_PREFIX: process.env.AMQP_PREFIX },
  output: (service, line) => console.log(`${service.padEnd(12)} ${line}`),
});
console.log(`Slotkeeper stack (separate processes over RabbitMQ) listening on ${stack.gatewayUrl}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stack.stop().then(() => process.exit(0)));
}
