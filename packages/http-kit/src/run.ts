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
 * How long a shutdown may take before the process gives up on it and exits 1: more than the 2 s
 * grace, a request's bounded waits (5 s), the outbox drain (5 s) and the bus's close (at most
 * 15 s: the handlers under way finish, a webhook attempt's 10 s deadline among them, then the
 * connection closes). Within Kubernetes' default grace of 30 s; compose is given 35 s.
 */
export const DRAIN_DEADLINE_MS = 29_000;

/** An `onClose` that closes each resource in turn, each once the one before it has closed. */
export const closeInOrder =
  (...resources: { close(): unknown }[]) =>
  async (): Promise<void> => {
    for (const resource of resources) await resource.close();
  };

/**
 * Listens, and on SIGINT/SIGTERM shuts down: requests that arrive from then on are answered 503,
 * those in flight finish, the server stops listening (Fastify's `close` with the app's draining
 * hooks), then `onClose` runs (consumers, connections) and the process exits 0; or 1 when that
 * fails or takes longer than `deadlineMs`. A signal sent to the whole process group (Ctrl-C,
 * systemd, `kill -- -PGID`) also reaches the process through its parent (pnpm, tsx), so more
 * signals come while it drains: they are logged and ignored rather than killing it halfway.
 */
export async function listenUntilSignal(
  app: Pick<FastifyInstance, 'listen' | 'close' | 'log'>,
  { PORT, HOST }: z.infer<typeof listenConfig>,
  onClose: () => Promise<void> = async () => {},
  deadlineMs = DRAIN_DEADLINE_MS,
): Promise<string> {
  const address = await app.listen({ port: PORT, host: HOST });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return app.log.info({ signal }, 'already shutting down; signal ignored');
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing the requests in flight, answering new ones 503');
    setTimeout(() => {
      app.log.error({ deadlineMs }, 'shutdown did not finish in time');
      process.exit(1);
    }, deadlineMs);
    app
      .close()
      .then(onClose)
      .then(
        () => {
          app.log.info('shut down');
          process.exit(0);
        },
        (error: unknown) => {
          app.log.error({ err: error }, 'unclean shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return address;
}
