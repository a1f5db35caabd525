import { createUserBody, problem, userParams, userResponse, tzQuery } from '@slotkeeper/contracts';
import { renderIn, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { User } from '../domain/user.js';
import { createUser, getUser, type UserDeps } from '../domain/user-use-cases.js';

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
    { schema: { body: createUserBody, response: { 201: userResponse, 400: problem, 409: problem } } },
    async (request, reply) => {
      const user = await createUser(request.body, deps);
      return reply.code(201).send(toUserResponse(user, renderIn()));
    },
  );

  app.get(
    '/api/user/users/:user_id',
    { schema: { params: userParams, querystring: tzQuery, response: { 200: userResponse, 404: problem } } },
    async (request) => toUserResponse(await getUser(request.params.user_id, deps), renderIn(request.query.tz)),
  );
}
