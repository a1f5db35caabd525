import type { Owner, UserDirectory } from '../domain/calendar.js';

/**
 * The user service's answers, kept briefly: a busy public booking page asks for the same owner
 * again and again. A small LRU (Map order) whose entries live `ttlMs`, so an owner's new name or
 * zone shows within that time on every instance; only found users are kept (a user created just
 * now is never answered "absent" from the cache).
 */
export class RecentUsers implements UserDirectory {
  private readonly entries = new Map<string, { owner: Owner; until: number }>();

  constructor(
    private readonly users: UserDirectory,
    private readonly options: { ttlMs?: number; capacity?: number; now?: () => number } = {},
  ) {}

  async find(userId: string): Promise<Owner | null> {
    const now = this.options.now ?? Date.now;
    const cached = this.entries.get(userId);
    this.entries.delete(userId);
    if (cached && cached.until > now()) {
      this.entries.set(userId, cached);
      return cached.owner;
    }
    const owner = await this.users.find(userId);
    if (!owner) return null;
    this.entries.set(userId, { owner, until: now() + (this.options.ttlMs ?? 2_000) });
    // The least recently used first in the Map's order.
    if (this.entries.size > (this.options.capacity ?? 1_000)) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return owner;
  }
}
