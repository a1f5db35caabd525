import { outboundClient, type OutboundClient } from '@slotkeeper/outbound-http';

/** The read deadline of one source (every redirect, the headers, the body). */
export const SOURCE_TIMEOUT_MS = 15_000;
/** The largest source read: a year of a busy calendar is far below it. */
export const SOURCE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The client busy sources are read and bookings written back with: addresses checked where the
 * socket connects (public only unless `allowPrivate`), a few redirects followed (calendar hosts
 * move feeds), one deadline and a size limit per call, so a dead or huge source fails alone.
 */
export const syncOutboundClient = (allowPrivate: boolean): OutboundClient =>
  outboundClient({
    allowPrivate,
    totalTimeoutMs: SOURCE_TIMEOUT_MS,
    maxResponseBytes: SOURCE_MAX_BYTES,
    maxRedirects: 5,
  });
