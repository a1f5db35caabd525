import type { RouteDeclaration } from '@slotkeeper/contracts';

/**
 * Whether the route gives a user a new api key, the old one refused from then on: the gateway
 * forgets that user's verified keys when it forwards the route's success.
 * TODO: `route === apiRoutes.rotateApiKey` once contracts declare it (issue 14).
 */
export function rotatesApiKey(route: Pick<RouteDeclaration, 'method' | 'path'>): boolean {
  return route.method === 'POST' && route.path === '/api/user/users/:user_id/api_key';
}
