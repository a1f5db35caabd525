// The access rule lives in @slotkeeper/errors, where domain code may import it; the edges that
// authenticate (the gateway, http-kit) keep reaching it here, beside the credentials.
export { anonymous, assertOwner, isOwner, requireUser, type Principal } from '@slotkeeper/errors';
export * from './secrets.js';
export * from './identity.js';
