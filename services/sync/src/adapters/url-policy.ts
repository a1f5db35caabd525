import { checkOutboundUrl, type Resolve } from '@slotkeeper/outbound-http';
import type { UrlPolicy } from '../domain/busy-source.js';

/** The operator's rule for owners' URLs: public addresses only, unless ALLOW_PRIVATE_URLS=true. */
export const outboundUrlPolicy = (allowPrivate: boolean, resolve?: Resolve): UrlPolicy => ({
  async check(url) {
    const checked = await checkOutboundUrl(url, { allowPrivate, ...(resolve && { resolve }) });
    return checked.ok ? { ok: true } : { ok: false, reason: checked.error.reason };
  },
});
