export { buildGateway, type GatewayDeps } from './gateway-app.js';
export { gatewayConfig } from './config.js';
