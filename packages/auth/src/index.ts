export * from './principal.js';
export * from './secrets.js';
export * from './identity.js';
