export * from './errors.js';
export * from './access.js';
