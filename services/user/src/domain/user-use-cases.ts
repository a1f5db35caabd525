import { assertOwner, newApiKey, parseToken, secretMatches, type Principal } from '@slotkeeper/auth';
import { generateId, type CreateUserBody } from '@slotkeeper/contracts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type { User, UserRepository } from './user.js';

export interface UserDeps {
  users: UserRepository;
  clock: Clock;
}

/** Creates a user and its api key; the key is returned this once, only its hash is stored. */
export async function createUser(input: CreateUserBody, { users, clock }: UserDeps) {
  const id = generateId();
  const key = newApiKey(id);
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
  { users }: Pick<UserDeps, 'users'>,
): Promise<User> {
  if (actor.kind !== 'service') throw new ForbiddenError('only the gateway checks api keys');
  const parsed = parseToken(apiKey);
  const user = parsed?.kind === 'api_key' ? await users.findById(parsed.id) : null;
  if (!user || !secretMatches(parsed!.secret, user.apiKey)) throw new UnauthorizedError('unknown api key');
  return user;
}
