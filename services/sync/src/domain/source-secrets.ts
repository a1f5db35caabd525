import { secretContext, SourceReadFailed, urlContext, type BusySource, type SecretSealer } from './busy-source.js';
import type { Credentials } from './ports.js';

/** A source's `last_error` when its URL or password will not open: safe to show, and says what to do. */
export const SECRETS_UNREADABLE =
  'its secrets cannot be opened with the configured SECRET_KEYS: the key that sealed them must be restored, or the source added again';

/** A source's sealed URL or password will not open (its key was dropped from SECRET_KEYS, or it was altered). */
export class SecretsUnreadable extends SourceReadFailed {
  override name = 'SecretsUnreadable';
  constructor() {
    super(SECRETS_UNREADABLE);
  }
}

/** A source's secrets, opened for one use: never stored, logged or kept longer. */
export interface OpenedSecrets {
  url: string;
  /** The password opened, null when the source has none. */
  password: string | null;
  credentials: Credentials | null;
}

type Sealed = Pick<BusySource, 'id' | 'sealedUrl' | 'username' | 'sealedPassword'>;

const opened = (secrets: SecretSealer, sealed: string, context: string): string => {
  try {
    return secrets.open(sealed, context);
  } catch {
    throw new SecretsUnreadable();
  }
};

/** Opens a source's URL and password; throws SecretsUnreadable when either will not open. */
export function openSecrets(source: Sealed, secrets: SecretSealer): OpenedSecrets {
  const url = opened(secrets, source.sealedUrl, urlContext(source.id));
  const password =
    source.sealedPassword === null ? null : opened(secrets, source.sealedPassword, secretContext(source.id));
  const credentials = source.username !== null && password !== null ? { username: source.username, password } : null;
  return { url, password, credentials };
}

/**
 * What the source's owner is shown of its URL and state: the URL opened, or, when it will not open
 * (its key was dropped from SECRET_KEYS), an empty URL and the source `failing` with the reason,
 * before its next sync records the same.
 */
export function shownState(
  source: Sealed & Pick<BusySource, 'status' | 'lastError'>,
  secrets: SecretSealer,
): Pick<BusySource, 'status' | 'lastError'> & { url: string } {
  try {
    return {
      url: secrets.open(source.sealedUrl, urlContext(source.id)),
      status: source.status,
      lastError: source.lastError,
    };
  } catch {
    return { url: '', status: 'failing', lastError: SECRETS_UNREADABLE };
  }
}

/**
 * The source's secrets sealed anew under the current key, when either was sealed under another
 * (a key rotation under way); null when they need not be. `open` are the secrets as just opened.
 */
export function resealed(
  source: Sealed,
  open: OpenedSecrets,
  secrets: SecretSealer,
): Pick<BusySource, 'sealedUrl' | 'sealedPassword'> | null {
  const stale = (sealed: string | null) => sealed !== null && secrets.needsResealing?.(sealed) === true;
  if (!stale(source.sealedUrl) && !stale(source.sealedPassword)) return null;
  return {
    sealedUrl: secrets.seal(open.url, urlContext(source.id)),
    sealedPassword: open.password === null ? null : secrets.seal(open.password, secretContext(source.id)),
  };
}
