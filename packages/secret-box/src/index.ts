export { SecretBox } from './secret-box.js';
export { KEY_BYTES, secretKeysFromEnv, secretKeysSchema, type SecretKeys } from './secret-keys.js';
export { SecretKeysError, SecretUnreadableError, type SecretUnreadableReason } from './errors.js';
