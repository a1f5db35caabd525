export { buildGateway, type GatewayDeps } from './gateway-app.js';
export { ROUTES } from './route-table.js';
export { gatewayConfig } from './config.js';
