export * from './problems.js';
export * from './service-app.js';
export * from './declared-routes.js';
export * from './upstream.js';
export * from './render.js';
export * from './run.js';
export { MAX_HEADER_BYTES } from './edge.js';
