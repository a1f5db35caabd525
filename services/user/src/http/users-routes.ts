import { apiRoutes, authenticateBody, authenticatedResponse, problem, type UserResponse } from '@slotkeeper/contracts';
import { renderIn, serveRoute, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { User } from '../domain/user.js';
import {
  authenticate,
  createUser,
  getUser,
  rotateApiKey,
  updateUser,
  type UserDeps,
} from '../domain/user-use-cases.js';

const toUserResponse = (user: User, render: Render): UserResponse => ({
  id: user.id,
  name: user.name,
  email: user.email,
  timezone: user.timezone,
  created_at: render(user.createdAt),
});

export function usersRoutes(app: HttpApp, deps: UserDeps): void {
  serveRoute(app, apiRoutes.createUser, async (request, reply) => {
    // The body's fields are the domain's names already (name, email, timezone).
    const { user, apiKey } = await createUser(request.body, deps);
    return reply.code(201).send({ ...toUserResponse(user, renderIn()), api_key: apiKey });
  });

  serveRoute(app, apiRoutes.getUser, async (request) =>
    toUserResponse(await getUser(request.principal, request.params.user_id, deps), renderIn(request.query.tz)),
  );

  // The body's fields are the domain's names, the zone canonical and `null` already 'UTC'.
  serveRoute(app, apiRoutes.updateUser, async (request) =>
    toUserResponse(await updateUser(request.principal, request.params.user_id, request.body, deps), renderIn()),
  );

  serveRoute(app, apiRoutes.rotateApiKey, async (request, reply) => {
    const apiKey = await rotateApiKey(request.principal, request.params.user_id, deps, { requestId: request.id });
    return reply.code(201).send({ api_key: apiKey });
  });

  // For the gateway only: which user an api key belongs to.
  app.post(
    '/internal/authenticate',
    { schema: { hide: true, body: authenticateBody, response: { 200: authenticatedResponse, 401: problem } } },
    async (request) => ({ user_id: (await authenticate(request.principal, request.body.api_key, deps)).id }),
  );
}
