export * from './common.js';
export * from './users.js';
export * from './schedules.js';
export * from './events.js';
export * from './calendars.js';
export * from './availability.js';
export * from './messages.js';
export * from './routes.js';
