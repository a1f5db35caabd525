import { z } from 'zod';
import { email, inputWithDefault, instantOutput, objectId, singleLineText, zoneName } from './common.js';

export const createUserBody = z.strictObject({
  name: singleLineText(1, 200),
  email,
  timezone: inputWithDefault(zoneName, 'UTC'),
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

/** The 201 of creating a user: the user and, this one time only, its api key. */
export const createdUserResponse = userResponse
  .extend({
    api_key: z.string().describe('Bearer secret for owner routes; shown this one time only, stored hashed'),
  })
  .meta({ id: 'CreatedUser' });

/** The user service's internal check of an api key, for the gateway. */
export const authenticateBody = z.strictObject({ api_key: z.string().max(200) });
export const authenticatedResponse = z.object({ user_id: objectId });

/** `PATCH` of a user: each field left out stays; `name` cannot be cleared, `timezone: null` is UTC again. */
export const updateUserBody = z.strictObject({
  name: singleLineText(1, 200).optional(),
  timezone: zoneName
    .nullable()
    .transform((zone) => zone ?? 'UTC')
    .optional(),
});
export type UpdateUserBody = z.infer<typeof updateUserBody>;

/** The 201 of a new api key: shown this one time only; the previous key stops working at once. */
export const apiKeyResponse = z
  .object({
    api_key: z.string().describe('Bearer secret for owner routes; shown this one time only, stored hashed'),
  })
  .meta({ id: 'ApiKey' });
