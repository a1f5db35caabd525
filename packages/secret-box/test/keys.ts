import { randomBytes } from 'node:crypto';

/** A fresh `<id>:<base64 32 bytes>` entry, as `openssl rand -base64 32` would make. */
export const keyEntry = (id: string, bytes = 32) => `${id}:${randomBytes(bytes).toString('base64')}`;
