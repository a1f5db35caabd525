export { buildGateway, type GatewayDeps } from './gateway-app.js';
export { buildEmbeddedSystem, type EmbeddedOptions } from './embedded.js';
export { ROUTES } from './route-table.js';
