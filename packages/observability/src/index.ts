import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths pino must never print: credentials in headers and secrets in bodies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-slotkeeper-identity"]',
  'headers["x-slotkeeper-identity"]',
  'headers.authorization',
  'api_key',
  'cancel_token',
  '*.api_key',
  '*.cancel_token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'feed_url',
  '*.feed_url',
];

/** Query parameters that carry a secret (the calendar feed's `token`): never printed. */
const SECRET_QUERY = /([?&](?:token|api_key|cancel_token)=)[^&#]*/gi;

/** A URL as a log line may show it: its secret query parameters replaced. */
export const redactUrl = (url: string): string => url.replace(SECRET_QUERY, '$1[redacted]');

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}

/**
 * Fastify's request serializer, with the URL's secret query parameters redacted: the feed's token
 * is the one credential the contract lets travel in a query string, and every request line is logged.
 */
const serializeRequest = (request: LoggedRequest) => ({
  method: request.method,
  url: typeof request.url === 'string' ? redactUrl(request.url) : request.url,
  host: request.host,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});

export interface LoggerConfig {
  /**
   * The service every line names. A process that hosts several (the embedded system) leaves it
   * out and gives each its own `logger.child({ service })`: pino does not merge bindings, so a
   * service bound twice would print the key twice on every line.
   */
  service?: string;
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

export function createLogger({ service, level, destination }: LoggerConfig): Logger {
  const options: LoggerOptions = {
    level: level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest },
    // No pid or hostname: the service names the process, and the platform knows where it runs.
    base: service === undefined ? {} : { service },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything, for tests that do not read logs. */
export const silentLogger = (): Logger => pino({ level: 'silent' });

/**
 * A request id as a client or publisher handed it over, kept only when it is a sane token
 * (letters, digits, `._:-`, at most 128 characters): anything else is dropped rather than
 * written into log lines. One rule for HTTP requests and messages alike.
 */
export function saneRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}
