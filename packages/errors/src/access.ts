import { ForbiddenError, NotFoundError, UnauthorizedError } from './errors.js';

/*
 * The access rule every service's domain applies, kept beside the two errors it raises: pure,
 * so domain code may import it (the auth package, with its cryptography, may not reach the domain).
 */

/**
 * Who a request acts for, as the gateway established it: a user (by api key), nobody in
 * particular (public routes, cancel-token holders), or another service of the system.
 */
export type Principal = { kind: 'user'; userId: string } | { kind: 'anonymous' } | { kind: 'service'; service: string };

export const anonymous: Principal = { kind: 'anonymous' };

/** Whether the principal may act on what `ownerId` owns: its owner, or a service of the system. */
export function isOwner(principal: Principal, ownerId: string): boolean {
  return principal.kind === 'service' || (principal.kind === 'user' && principal.userId === ownerId);
}

/** The user behind an owner route: 401 without one (services pass as any owner). */
export function requireUser(principal: Principal): void {
  if (principal.kind === 'anonymous') throw new UnauthorizedError('this route needs an api key');
}

/** 401 without credentials, 403 when they are another user's. */
export function assertOwner(principal: Principal, ownerId: string, what: string): void {
  requireUser(principal);
  if (!isOwner(principal, ownerId)) throw new ForbiddenError(`this ${what} belongs to another user`);
}

/** What was read by `id`, for its owner: 404 when nothing was found, then as `assertOwner`. */
export function foundAndOwned<T extends { userId: string }>(
  principal: Principal,
  found: T | null,
  what: string,
  id: string,
): T {
  if (!found) throw new NotFoundError(what, id);
  assertOwner(principal, found.userId, what);
  return found;
}
