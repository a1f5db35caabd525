import { apiRoutes, type RouteDeclaration } from '@slotkeeper/contracts';

/**
 * Whether the route gives a user a new api key, the old one refused from then on: the gateway
 * forgets that user's verified keys when it forwards the route's success.
 */
export function rotatesApiKey(route: RouteDeclaration): boolean {
  return route === apiRoutes.rotateApiKey;
}
