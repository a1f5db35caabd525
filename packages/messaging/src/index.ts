export * from './bus.js';
export * from './in-process-bus.js';
export * from './consume.js';
export * from './amqp-bus.js';
export * from './outbox.js';
export * from './memory-outbox.js';
export * from './bus-from-env.js';
export * from './work-queue.js';
