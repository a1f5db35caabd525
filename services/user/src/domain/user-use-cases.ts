import { generateId } from '@slotkeeper/contracts';
import { assertOwner, ForbiddenError, NotFoundError, UnauthorizedError, type Principal } from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type { ApiKeys, User, UserInput, UserRepository } from './user.js';

export interface UserDeps {
  users: UserRepository;
  clock: Clock;
  apiKeys: ApiKeys;
}

/** Creates a user and its api key; the key is returned this once, only its hash is stored. */
export async function createUser(input: UserInput, { users, clock, apiKeys }: UserDeps) {
  const id = generateId();
  const key = apiKeys.issue(id);
  const user = await users.create({
    id,
    name: input.name,
    email: input.email,
    timezone: input.timezone,
    createdAt: clock.now(),
    apiKey: key.stored,
  });
  return { user, apiKey: key.token };
}

/** A user's own record; any other id is 403, whether it exists or not (no probing for users). */
export async function getUser(actor: Principal, id: string, { users }: Pick<UserDeps, 'users'>): Promise<User> {
  assertOwner(actor, id, 'user');
  const user = await users.findById(id);
  if (!user) throw new NotFoundError('user', id);
  return user;
}

/** For the gateway only: the user an api key belongs to; 401 for anything that is not a key. */
export async function authenticate(
  actor: Principal,
  apiKey: string,
  { users, apiKeys }: Pick<UserDeps, 'users' | 'apiKeys'>,
): Promise<User> {
  if (actor.kind !== 'service') throw new ForbiddenError('only the gateway checks api keys');
  const userId = apiKeys.idOf(apiKey);
  const user = userId === null ? null : await users.findById(userId);
  if (!user || !apiKeys.matches(apiKey, user.apiKey)) throw new UnauthorizedError('unknown api key');
  return user;
}
