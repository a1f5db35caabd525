export * from './clock.js';
export * from './intervals.js';
export * from './zones.js';
