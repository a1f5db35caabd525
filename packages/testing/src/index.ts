export * from './mongo-target.js';
export * from './contract-suite.js';
export * from './tcp-proxy.js';
export * from './broker.js';
export * from './fixtures.js';
export * from './mail-catcher.js';
export * from './mongo-recorder.js';
export * from './rabbitmq-node.js';
