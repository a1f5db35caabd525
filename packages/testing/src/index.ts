export * from './mongo-target.js';
export * from './contract-suite.js';
