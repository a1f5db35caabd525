import { generateId } from '@slotkeeper/contracts';
import { assertOwner, ForbiddenError, NotFoundError, UnauthorizedError, type Principal } from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type { ApiKeys, OutboxPublisher, User, UserChanges, UserInput, UserRepository } from './user.js';

export interface UserDeps {
  users: UserRepository;
  clock: Clock;
  apiKeys: ApiKeys;
  /** Publishes what a write left in the store's outbox. */
  outbox: OutboxPublisher;
}

/** The request a use case serves: its id is published with the messages it writes. */
export interface RequestContext {
  requestId?: string;
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

/** Changes a user's name or time zone (already canonical); the owner only, as for reading. */
export async function updateUser(
  actor: Principal,
  id: string,
  changes: UserChanges,
  { users }: Pick<UserDeps, 'users'>,
): Promise<User> {
  assertOwner(actor, id, 'user');
  const user = await users.update(id, changes);
  if (!user) throw new NotFoundError('user', id);
  return user;
}

/**
 * Gives the user a new api key, returned this once. The stored hash is replaced, so the old key
 * fails here from the write on, and ApiKeyRotated goes out with it (outbox) for the gateways'
 * caches. Only the user may: a key is a secret of its own, so no service is handed one.
 */
export async function rotateApiKey(
  actor: Principal,
  id: string,
  { users, clock, apiKeys, outbox }: UserDeps,
  context: RequestContext = {},
): Promise<string> {
  assertOwner(actor, id, 'user');
  if (actor.kind !== 'user') throw new ForbiddenError('only the user may replace their api key');
  const key = apiKeys.issue(id);
  if (!(await users.replaceApiKey({ userId: id, apiKey: key.stored, at: clock.now() }, context.requestId))) {
    throw new NotFoundError('user', id);
  }
  // Not awaited: a broker holding its confirms must not hold back (and risk losing) the one
  // answer that carries the new key; the relay's sweep publishes what this flush could not.
  void outbox.flush(id);
  return key.token;
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
