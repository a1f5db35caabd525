import { cancelTokenFromNonce } from '@slotkeeper/auth';
import type { BookingLinks } from '../domain/ports.js';

/**
 * The booking pages on the public base URL. The booker's link carries their cancel token in the
 * fragment (`#token=…`), which browsers never send to a server, so it stays out of access logs;
 * the token is derived from the message's nonce with `cancelTokenKey`, the key the booking service
 * issues tokens with (`internalKeys(INTERNAL_AUTH_SECRET).cancelTokens`).
 */
export function bookingLinks(publicBaseUrl: string, cancelTokenKey: Buffer): BookingLinks {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const page = (eventId: string) => `${base}/booking/${encodeURIComponent(eventId)}`;
  return {
    page,
    manage: (eventId, tokenNonce) =>
      `${page(eventId)}#token=${encodeURIComponent(cancelTokenFromNonce(eventId, cancelTokenKey, tokenNonce))}`,
  };
}
