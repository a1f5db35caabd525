import { createLogger } from '@slotkeeper/observability';
import { z } from 'zod';
import { buildEmbeddedSystem } from './embedded.js';

const config = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().default('127.0.0.1'),
  })
  .safeParse(process.env);
if (!config.success) {
  for (const issue of config.error.issues) console.error(`invalid ${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}

const logger = createLogger({ service: 'gateway' });
const { gateway } = await buildEmbeddedSystem({ logger });
const address = await gateway.listen({ port: config.data.PORT, host: config.data.HOST });
console.log(`Slotkeeper (embedded: in-memory stores, in-process bus) listening on ${address}`);
console.log(`API reference: ${address}/docs`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
