import { DuplicateEmailError } from '@slotkeeper/errors';
import { MemoryOutbox } from '@slotkeeper/messaging';
import type { ApiKeyRotation, NewUser, User, UserChanges, UserRepository } from '../../domain/user.js';
import { apiKeyRotatedMessage } from '../user-messages.js';

export class MemoryUserRepository implements UserRepository {
  private readonly byId = new Map<string, User>();
  private readonly idByEmail = new Map<string, string>();
  /** Written in the same synchronous step as the change it announces; the relay reads it. */
  readonly outbox = new MemoryOutbox();

  async create(input: NewUser): Promise<User> {
    if (this.idByEmail.has(input.email)) throw new DuplicateEmailError(input.email);
    const user = structuredClone(input);
    this.byId.set(user.id, user);
    this.idByEmail.set(user.email, user.id);
    return structuredClone(user);
  }

  async findById(id: string): Promise<User | null> {
    const user = this.byId.get(id);
    return user ? structuredClone(user) : null;
  }

  async update(id: string, changes: UserChanges): Promise<User | null> {
    const user = this.byId.get(id);
    if (!user) return null;
    if (changes.name !== undefined) user.name = changes.name;
    if (changes.timezone !== undefined) user.timezone = changes.timezone;
    return structuredClone(user);
  }

  async replaceApiKey(rotation: ApiKeyRotation, requestId?: string): Promise<boolean> {
    const user = this.byId.get(rotation.userId);
    if (!user) return false;
    // One step, no await between: the new hash and its announcement are there together.
    user.apiKey = structuredClone(rotation.apiKey);
    this.outbox.enqueue(user.id, [apiKeyRotatedMessage(rotation)], requestId);
    return true;
  }
}
