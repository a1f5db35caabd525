import { createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { SecretKeysError } from './errors.js';

/** The keys a `SecretBox` holds: `current` seals, every key in `keys` opens. */
export interface SecretKeys {
  readonly current: string;
  readonly keys: ReadonlyMap<string, KeyObject>;
}

export const KEY_BYTES = 32;
const KEY_ID = /^[a-z0-9_-]{1,16}$/;
// Standard, padded base64 as `openssl rand -base64 32` prints it; Buffer.from alone would accept anything.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Parses `SECRET_KEYS="k2:<base64 32 bytes>,k1:<base64 32 bytes>"`. The first key seals, all keys open,
 * so rotation is: prepend a new key, re-seal, drop the old one. Throws `SecretKeysError`.
 */
export function secretKeysFromEnv(value: string | undefined): SecretKeys {
  if (value === undefined || value.trim() === '') {
    throw new SecretKeysError('SECRET_KEYS is empty: expected "<id>:<base64 32 bytes>[,<id>:<base64>...]"');
  }
  const keys = new Map<string, KeyObject>();
  value.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    const where = `SECRET_KEYS entry ${index + 1}`;
    const colon = entry.indexOf(':');
    // The entry itself is never echoed: without its colon it may be nothing but a key.
    if (colon < 0) throw new SecretKeysError(`${where} is not of the form <id>:<base64 key>`);
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) throw new SecretKeysError(`${where}: the key id must match [a-z0-9_-]{1,16}`);
    const at = `${where} (id "${id}")`;
    if (keys.has(id)) throw new SecretKeysError(`${at}: the key id appears more than once`);
    if (!BASE64.test(encoded)) throw new SecretKeysError(`${at}: the key is not valid base64`);
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length !== KEY_BYTES) {
      throw new SecretKeysError(`${at}: the key must decode to exactly ${KEY_BYTES} bytes, not ${bytes.length}`);
    }
    keys.set(id, createSecretKey(bytes));
    bytes.fill(0);
  });
  const [current] = keys.keys();
  if (current === undefined) throw new SecretKeysError('SECRET_KEYS holds no keys');
  return { current, keys };
}

/** `SECRET_KEYS` for a service's config schema: `serviceConfig.extend({ SECRET_KEYS: secretKeysSchema })`. */
export const secretKeysSchema = z
  .string({ error: 'is required: "<id>:<base64 32 bytes>", make a key with openssl rand -base64 32' })
  .transform((value, ctx): SecretKeys => {
    try {
      return secretKeysFromEnv(value);
    } catch (error) {
      if (!(error instanceof SecretKeysError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });
