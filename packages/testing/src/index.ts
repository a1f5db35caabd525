export * from './mongo-target.js';
