import {
  authenticateBody,
  authenticatedResponse,
  createdUserResponse,
  createUserBody,
  problem,
  tzQuery,
  userParams,
  userResponse,
} from '@slotkeeper/contracts';
import { renderIn, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { User } from '../domain/user.js';
import { authenticate, createUser, getUser, type UserDeps } from '../domain/user-use-cases.js';

export const toUserResponse = (user: User, render: Render) => ({
  id: user.id,
  name: user.name,
  email: user.email,
  timezone: user.timezone,
  created_at: render(user.createdAt),
});

export function usersRoutes(app: HttpApp, deps: UserDeps): void {
  app.post(
    '/api/user/users',
    { schema: { body: createUserBody, response: { 201: createdUserResponse, 400: problem, 409: problem } } },
    async (request, reply) => {
      const { user, apiKey } = await createUser(request.body, deps);
      return reply.code(201).send({ ...toUserResponse(user, renderIn()), api_key: apiKey });
    },
  );

  app.get(
    '/api/user/users/:user_id',
    {
      schema: {
        params: userParams,
        querystring: tzQuery,
        response: { 200: userResponse, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) =>
      toUserResponse(await getUser(request.principal, request.params.user_id, deps), renderIn(request.query.tz)),
  );

  // For the gateway only: which user an api key belongs to.
  app.post(
    '/internal/authenticate',
    { schema: { hide: true, body: authenticateBody, response: { 200: authenticatedResponse, 401: problem } } },
    async (request) => ({ user_id: (await authenticate(request.principal, request.body.api_key, deps)).id }),
  );
}
