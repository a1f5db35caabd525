/**
 * Errors of outbound calls. Messages name the method and the target's origin only (scheme, host,
 * port): never the path or query (private ICS URLs carry their secret there), the userinfo, the
 * headers or the body. No `cause` is attached, so a logger cannot print those either.
 */
export abstract class OutboundError extends Error {
  abstract readonly code: string;
  override name = this.constructor.name;
}

export type RefusalKind = 'invalid-url' | 'not-public' | 'unresolvable';

/** The URL, or an address it resolves to, may not be called. Maps to a 400 when an owner gives it. */
export class OutboundUrlRefused extends OutboundError {
  readonly code = 'outbound-url-refused';
  constructor(
    readonly kind: RefusalKind,
    /** A human reason, safe to show to the owner who gave the URL. */
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class OutboundTimeout extends OutboundError {
  readonly code = 'outbound-timeout';
}

export class OutboundTooLarge extends OutboundError {
  readonly code = 'outbound-too-large';
}

export class OutboundFailed extends OutboundError {
  readonly code = 'outbound-failed';
}

/** `https://host:port` of a URL: what error messages may say about a target. */
export const originOf = (url: URL): string => `${url.protocol}//${url.host}`;
