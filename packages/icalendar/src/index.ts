export * from './busy.js';
export * from './write.js';
