/*
 * What the booking domain needs of the platform, as ports: cryptography and the event loop are
 * not domain code (the domain imports only zod, luxon and the contracts, errors, time and
 * availability packages). app.ts wires the adapters.
 */

/** What is kept of a bearer secret: a salt and the salted hash, never the secret itself. */
export interface StoredSecret {
  salt: string;
  hash: string;
}

/** The booker's cancel tokens: handed out once, kept only as a salted hash. */
export interface CancelTokens {
  /** A new token for the event, and what is stored of it. */
  issue(eventId: string): { token: string; stored: StoredSecret };
  /** The token issued for the event, derived again from what was stored (a retry's answer). */
  reissue(eventId: string, stored: StoredSecret): string;
  /** The event a cancel token names; null for anything that is not a cancel token. */
  idOf(token: string): string | null;
  /** Whether the token's secret is the one stored. */
  matches(token: string, stored: StoredSecret): boolean;
}

/** A collision-resistant digest (SHA-256) of a text: tells a retried request from another. */
export type Digest = (text: string) => string;

/** Resolves once the process has served other work: long computations run in turns. */
export type NextTurn = () => Promise<void>;

/** Publishes what a write left in the outbox; never throws (a sweep retries what it could not send). */
export interface OutboxPublisher {
  flush(aggregateId: string): Promise<void>;
}
