import type { CreateUserBody } from '@slotkeeper/contracts';
import { NotFoundError } from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type { User, UserRepository } from './user.js';

export interface UserDeps {
  users: UserRepository;
  clock: Clock;
}

export async function createUser(input: CreateUserBody, { users, clock }: UserDeps): Promise<User> {
  return users.create({ name: input.name, email: input.email, timezone: input.timezone, createdAt: clock.now() });
}

export async function getUser(id: string, { users }: Pick<UserDeps, 'users'>): Promise<User> {
  const user = await users.findById(id);
  if (!user) throw new NotFoundError('user', id);
  return user;
}
