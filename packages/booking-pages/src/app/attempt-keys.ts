/**
 * Idempotency keys for the page's writes (booking, rescheduling). An attempt keeps its key until
 * an answer says whether it was done: a retry of the same request after a network failure, a 429
 * or a 5xx (the gateway's 503 may come after the upstream did book) is then answered by the first
 * outcome instead of being refused as a conflict with the invitee's own booking.
 */

/** A random version 4 UUID (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether an answer leaves the attempt's outcome open: no answer (0), too many requests, or a server error. */
export const outcomeUnknown = (status: number) => status === 0 || status === 429 || status >= 500;

/**
 * One Idempotency-Key per attempt. The same key again only for the very same request while its
 * outcome is unknown; a new attempt (and key) after a 2xx or another 4xx, for a different request,
 * or when the invitee chose another slot or changed the form (`reset`).
 */
export class AttemptKeys {
  private pending: { body: string; key: string } | null = null;

  keyFor(body: unknown): string {
    const text = JSON.stringify(body);
    if (this.pending?.body !== text) this.pending = { body: text, key: randomKey() };
    return this.pending.key;
  }

  /** The attempt got this status (0 when no answer came): the next request is a new attempt unless it is unknown. */
  settled(status: number): void {
    if (!outcomeUnknown(status)) this.pending = null;
  }

  /** The invitee changed what is asked for: the next request is a new attempt. */
  reset(): void {
    this.pending = null;
  }
}
