import type { RouteDeclaration, RouteSchema } from '@slotkeeper/contracts';
import type {
  ContextConfigDefault,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from '@slotkeeper/observability';
import { ownerOnly, type HttpApp } from './service-app.js';

/** A handler of a declared route: its params, query, headers, body and answers typed by the declaration. */
export type DeclaredHandler<S extends RouteSchema> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  ContextConfigDefault,
  S,
  ZodTypeProvider,
  Logger
>;

/**
 * Registers a route of the contract from its declaration (`apiRoutes` in contracts): the method,
 * the path, the schemas of its input and of every answer, and, for an owner route, a 401 for a
 * request without credentials before its input is judged. The service gives only the handler.
 */
export function serveRoute<S extends RouteSchema>(
  app: HttpApp,
  route: RouteDeclaration<S>,
  handler: DeclaredHandler<S>,
): void {
  app.route({
    method: route.method,
    url: route.path,
    schema: route.schema,
    ...(route.access === 'owner' && { preValidation: ownerOnly }),
    handler,
  });
}
