export { buildUserApp, type UserAppDeps } from './app.js';
export { MemoryUserRepository } from './adapters/memory/memory-user-repository.js';
export { MongoUserRepository } from './adapters/mongo/mongo-user-repository.js';
export type { UserRepository, User } from './domain/user.js';
