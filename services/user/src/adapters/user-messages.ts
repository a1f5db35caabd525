import { createEnvelope, type Envelope } from '@slotkeeper/contracts';
import type { ApiKeyRotation } from '../domain/user.js';

/** The message a key rotation is announced with: only whose key it was, never any key. */
export const apiKeyRotatedMessage = (rotation: ApiKeyRotation): Envelope =>
  createEnvelope('ApiKeyRotated', { user_id: rotation.userId }, rotation.at);
