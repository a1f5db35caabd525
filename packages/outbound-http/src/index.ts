export * from './errors.js';
export {
  addressRange,
  isPublicAddress,
  systemResolve,
  type Resolve,
  type ResolvedAddress,
  type AddressPolicyOptions,
} from './address-policy.js';
export {
  checkOutboundUrl,
  outboundUrlPolicy,
  type CheckOutboundUrlOptions,
  type CheckedUrl,
  type UrlPolicy,
} from './check-url.js';
export {
  outboundClient,
  type OutboundClient,
  type OutboundClientOptions,
  type OutboundRequest,
  type OutboundResponse,
} from './client.js';
