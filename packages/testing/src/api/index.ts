export * from './api-client.js';
export * from './api-setup.js';
export * from './inject-fetch.js';
export type { components, operations } from '@slotkeeper/contracts/openapi-types';
