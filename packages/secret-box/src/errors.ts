/** Why a stored secret could not be opened. None of these carries the sealed text, the plaintext or a key. */
export type SecretUnreadableReason = 'malformed' | 'unknown-key' | 'not-authentic';

/**
 * A sealed secret that cannot be opened: wrong format, a key id not in `SECRET_KEYS`, or a
 * ciphertext that fails authentication (tampered, truncated, or opened under another record's context).
 * It is a server fault, not the caller's: map it to a 500 or a visible "needs re-entering" status.
 */
export class SecretUnreadableError extends Error {
  readonly code = 'secret-unreadable';
  override name = 'SecretUnreadableError';
  constructor(
    readonly reason: SecretUnreadableReason,
    detail: string,
  ) {
    super(`stored secret cannot be read: ${detail}`);
  }
}

/** `SECRET_KEYS` is missing or malformed. Messages name the entry and the problem, never key material. */
export class SecretKeysError extends Error {
  readonly code = 'secret-keys-invalid';
  override name = 'SecretKeysError';
}
