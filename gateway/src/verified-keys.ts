import { LRUCache } from 'lru-cache';

/** How long a verified api key is trusted without asking the user service again. */
const CACHE_MS = 30_000;
const CACHE_SIZE = 10_000;

/**
 * The api keys the user service has lately verified, by their SHA-256 (never the key itself),
 * each with its user, and each user's digests beside them, so that `forgetUser` drops a user's
 * keys at once, in as many steps as that user has keys cached.
 */
export class VerifiedKeys {
  private readonly digestsByUser = new Map<string, Set<string>>();
  private readonly users: LRUCache<string, string>;
  /** Raised by every `forgetUser`; see `remember`. */
  private forgets = 0;

  constructor({ max = CACHE_SIZE, ttlMs = CACHE_MS }: { max?: number; ttlMs?: number } = {}) {
    this.users = new LRUCache<string, string>({
      max,
      ttl: ttlMs,
      // Both run for every way in and out (set, replace, evict, expire, delete), so the index
      // holds exactly what the cache holds.
      onInsert: (userId, digest) => {
        const digests = this.digestsByUser.get(userId);
        if (digests) digests.add(digest);
        else this.digestsByUser.set(userId, new Set([digest]));
      },
      dispose: (userId, digest) => {
        const digests = this.digestsByUser.get(userId);
        digests?.delete(digest);
        if (digests?.size === 0) this.digestsByUser.delete(userId);
      },
    });
  }

  userOf(digest: string): string | undefined {
    return this.users.get(digest);
  }

  /** A mark to pass to `remember`, taken before asking the user service. */
  mark(): number {
    return this.forgets;
  }

  /**
   * Remembers a verification, unless a user's keys were forgotten since `mark`: the answer may
   * then predate a rotation (asked before, answered after), and is used once but not kept.
   */
  remember(digest: string, userId: string, mark: number): void {
    if (mark === this.forgets) this.users.set(digest, userId);
  }

  /** Forgets every verified key of the user: the next request with any of them asks again. */
  forgetUser(userId: string): void {
    this.forgets++;
    for (const digest of [...(this.digestsByUser.get(userId) ?? [])]) this.users.delete(digest);
  }
}
