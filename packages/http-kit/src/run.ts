import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** Reads the environment through a schema; a missing or malformed variable stops the process, named. */
export function readConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) console.error(`configuration: ${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}

export const listenConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
});

/** The secret the gateway signs identities with and the services verify them with. */
export const internalSecret = z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)');

/** What every service behind the gateway reads: where to listen, and the shared secret. */
export const serviceConfig = listenConfig.extend({ INTERNAL_AUTH_SECRET: internalSecret });

/**
 * Listens, and on SIGINT/SIGTERM stops taking requests, lets in-flight ones finish (Fastify's
 * close), then runs `onClose` (consumers, connections).
 */
export async function listenUntilSignal(
  app: Pick<FastifyInstance, 'listen' | 'close' | 'log'>,
  { PORT, HOST }: z.infer<typeof listenConfig>,
  onClose: () => Promise<void> = async () => {},
): Promise<string> {
  const address = await app.listen({ port: PORT, host: HOST });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
      app
        .close()
        .then(onClose)
        .then(
          () => process.exit(0),
          (error: unknown) => {
            app.log.error({ err: error }, 'unclean shutdown');
            process.exit(1);
          },
        );
    });
  }
  return address;
}
