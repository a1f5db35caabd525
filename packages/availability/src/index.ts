export * from './schedule-windows.js';
export * from './free-time.js';
