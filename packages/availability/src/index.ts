export * from './schedule-windows.js';
export * from './open-hours.js';
export * from './free-time.js';
export * from './slots.js';
export * from './explain.js';
export * from './compare.js';
