import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretUnreadableError } from './errors.js';
import { secretKeysFromEnv, type SecretKeys } from './secret-keys.js';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

interface Envelope {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * Seals secrets (CalDAV passwords, webhook secrets) for storage with AES-256-GCM as
 * `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url). The context is authenticated data naming the
 * record the secret belongs to (`busy_source:<id>`), so a ciphertext copied to another record won't open.
 */
export class SecretBox {
  readonly #keys: SecretKeys;

  constructor(keys: SecretKeys) {
    this.#keys = keys;
  }

  static fromEnv(value: string | undefined): SecretBox {
    return new SecretBox(secretKeysFromEnv(value));
  }

  /** The id of the key that seals. */
  get currentKeyId(): string {
    return this.#keys.current;
  }

  seal(plain: string, context: string): string {
    const { current, keys } = this.#keys;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, keys.get(current)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, current, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws `SecretUnreadableError` for a malformed, tampered or foreign secret, or one sealed under another context. */
  open(sealed: string, context: string): string {
    const { keyId, iv, ciphertext, tag } = parse(sealed);
    const key = this.#keys.keys.get(keyId);
    if (key === undefined) {
      throw new SecretUnreadableError('unknown-key', `sealed with key "${keyId}", which SECRET_KEYS does not hold`);
    }
    // authTagLength pins the tag to 16 bytes: GCM would otherwise accept a truncated one.
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('not-authentic', 'authentication failed (tampered, or another context)');
    }
  }

  /** True when the secret was sealed with a key other than the current one: re-seal it to finish a rotation. */
  needsResealing(sealed: string): boolean {
    return parse(sealed).keyId !== this.#keys.current;
  }
}

function parse(sealed: string): Envelope {
  const parts = sealed.split('.');
  const [version, keyId, iv, ciphertext, tag] = parts;
  if (parts.length !== 5 || version !== VERSION || keyId === undefined || keyId === '') {
    throw malformed('not of the form v1.<keyId>.<iv>.<ciphertext>.<tag>');
  }
  const envelope = { keyId, iv: decode(iv), ciphertext: decode(ciphertext), tag: decode(tag) };
  if (envelope.iv.length !== IV_BYTES) throw malformed(`the IV is not ${IV_BYTES} bytes`);
  if (envelope.tag.length !== TAG_BYTES) throw malformed(`the tag is not ${TAG_BYTES} bytes`);
  return envelope;
}

// Only the canonical encoding is accepted, so that any change to the stored text is refused,
// including changes to the unused low bits of a last base64url character.
function decode(part: string | undefined): Buffer {
  if (part === undefined || !BASE64URL.test(part)) throw malformed('a part is not base64url');
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw malformed('a part is not canonical base64url');
  return bytes;
}

const malformed = (detail: string) => new SecretUnreadableError('malformed', detail);
