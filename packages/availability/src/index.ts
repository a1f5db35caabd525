export * from './schedule-windows.js';
export * from './free-time.js';
export * from './explain.js';
export * from './compare.js';
