import { DuplicateEmailError } from '@slotkeeper/errors';
import type { NewUser, User, UserRepository } from '../../domain/user.js';

export class MemoryUserRepository implements UserRepository {
  private readonly byId = new Map<string, User>();
  private readonly idByEmail = new Map<string, string>();

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
}
