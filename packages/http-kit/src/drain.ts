import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ServiceUnavailableError } from '@slotkeeper/errors';

/** How long a closing server goes on answering 503 before it closes the connections left. */
export const DRAIN_GRACE_MS = 2_000;

/** A request that arrived while the server is closing: an answer, not a failure worth a stack. */
export class ShuttingDownError extends ServiceUnavailableError {
  constructor() {
    super('the server is shutting down; retry in a moment');
  }
}

/**
 * A graceful `close()`, on Fastify's own hooks. From the moment it is called, every request that
 * arrives is answered 503 (by the app's error handler: problem+json with `Retry-After`), and
 * every answer, those in flight included, says `Connection: close`, so clients leave their
 * keep-alive connections one by one. When none is left, or after `graceMs`, the connections
 * without a request in flight are closed, and Fastify stops listening and waits for the rest.
 *
 * Stopping at once would close idle keep-alive connections under requests their clients have
 * just sent: those clients would see their connection reset instead of an answer.
 * Fastify's own `return503OnClosing` must be off: it answers with a body of its own.
 */
// Any instance, whatever its logger and type provider: the hooks use neither.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function drainOnClose(app: FastifyInstance<any, any, any, any, any>, graceMs = DRAIN_GRACE_MS): void {
  let closing = false;
  let drained = () => {};
  /** Every open connection, with how many of its requests are in flight. */
  const open = new Map<Socket, number>();
  app.server.on('connection', (socket: Socket) => {
    open.set(socket, 0);
    socket.once('close', () => {
      open.delete(socket);
      if (open.size === 0) drained();
    });
  });

  app.addHook('onRequest', (request, reply, done) => {
    if (closing) return done(new ShuttingDownError());
    const socket = request.raw.socket;
    // Injected requests have no connection of their own.
    if (open.has(socket)) {
      open.set(socket, open.get(socket)! + 1);
      reply.raw.once('close', () => {
        if (open.has(socket)) open.set(socket, open.get(socket)! - 1);
      });
    }
    done();
  });
  app.addHook('onSend', (_request, reply, _payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done();
  });
  app.addHook('preClose', async () => {
    closing = true;
    if (open.size === 0) return;
    await new Promise<void>((resolve) => {
      drained = resolve;
      setTimeout(resolve, graceMs).unref();
    });
    // Connections still silent after the grace: Node closes only those that have had a request.
    for (const [socket, inFlight] of open) if (inFlight === 0) socket.destroy();
  });
}
