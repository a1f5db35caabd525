import {
  OutboundError,
  OutboundFailed,
  OutboundTimeout,
  OutboundTooLarge,
  OutboundUrlRefused,
} from '@slotkeeper/outbound-http';

export type SourceErrorKind =
  'auth' | 'not_found' | 'not_calendar' | 'http' | 'network' | 'timeout' | 'too_large' | 'refused';

/**
 * Why a busy source could not be read or written. The message is safe to show to the owner: it
 * names the method, the server's origin, the status and the kind, never the URL's path or query
 * (private ICS URLs carry their secret there), the credentials or any body.
 */
export class SourceError extends Error {
  override name = 'SourceError';
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    /** The HTTP status the server answered, when it answered. */
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** What a request was, for messages: `PROPFIND https://dav.example:443`. */
export const describeRequest = (method: string, url: URL): string => `${method} ${url.protocol}//${url.host}`;

/** An answer that is not what the call needed, by status. */
export function statusError(what: string, status: number): SourceError {
  if (status === 401 || status === 403)
    return new SourceError('auth', `${what}: the server refused the user name or password (HTTP ${status})`, status);
  if (status === 404 || status === 410)
    return new SourceError('not_found', `${what}: nothing at this address (HTTP ${status})`, status);
  if (status >= 300 && status < 400)
    return new SourceError('http', `${what}: the server redirects (HTTP ${status}); give the final address`, status);
  return new SourceError('http', `${what}: the server answered HTTP ${status}`, status);
}

/**
 * An outbound-http error as a SourceError. Their messages already name only the method and origin
 * (that package's promise), so they are kept. Anything else is a bug of ours, rethrown as is.
 */
export function sourceErrorOf(error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  if (error instanceof OutboundUrlRefused) return new SourceError('refused', error.reason);
  if (error instanceof OutboundTimeout) return new SourceError('timeout', error.message);
  if (error instanceof OutboundTooLarge) return new SourceError('too_large', error.message);
  if (error instanceof OutboundFailed || error instanceof OutboundError)
    return new SourceError('network', error.message);
  throw error;
}
