import { z } from 'zod';
import { email, instantOutput, objectId, zoneName } from './common.js';

export const createUserBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email,
  timezone: zoneName.default('UTC'),
});
export type CreateUserBody = z.infer<typeof createUserBody>;

export const userResponse = z
  .object({
    id: objectId,
    name: z.string(),
    email: z.string(),
    timezone: z.string(),
    created_at: instantOutput,
  })
  .meta({ id: 'User' });
export type UserResponse = z.infer<typeof userResponse>;

export const userParams = z.object({ user_id: objectId });
