import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError } from 'fastify';
import { saneRequestId, type Logger } from '@slotkeeper/observability';
import { httpError, toProblem } from './problems.js';

// What happens to a request before Fastify routes it: the parser's limit and refusals, its id.

/**
 * What Node's HTTP parser accepts of a request line and its headers together: its own default,
 * kept, since a larger limit only moves the edge and costs memory per connection.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

/** The client's `x-request-id` when it is a sane token, otherwise a fresh one. */
export function requestIdOf(request: IncomingMessage): string {
  return saneRequestId(request.headers['x-request-id']) ?? randomUUID();
}

const REFUSALS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, `the request line and headers exceed ${MAX_HEADER_BYTES / 1024} KiB`],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request did not arrive in time'],
};

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (a request line and
 * headers over the limit, a malformed request, a timeout) with a problem document and a
 * request id, where Fastify's default handler writes its own JSON. Fastify's `clientErrorHandler`.
 */
export const clientErrorHandler =
  (logger: Logger) =>
  (error: ConnectionError, socket: Socket): void => {
    // A reset connection has no one left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, detail] = REFUSALS[error.code] ?? [400, 'the request is not valid HTTP'];
    const body = JSON.stringify(toProblem(httpError(status, detail)));
    const requestId = randomUUID();
    logger.info({ reqId: requestId, code: error.code, status }, 'request refused by the HTTP parser');
    if (socket.writable) {
      socket.write(
        [
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
          'Content-Type: application/problem+json; charset=utf-8',
          `Content-Length: ${Buffer.byteLength(body)}`,
          `x-request-id: ${requestId}`,
          'Connection: close',
          '',
          body,
        ].join('\r\n'),
      );
    }
    socket.destroy();
  };
