import type { Logger } from '@slotkeeper/observability';
import type { OutboundClient } from '@slotkeeper/outbound-http';
import type { Clock } from '@slotkeeper/time';
import type { CalendarOwners, WriteTargets } from '../domain/ports.js';
import type { OutboundRepository } from './domain/outbound-repository.js';

/** What the outbound half (events projection, feed, write-back) is built from. */
export interface OutboundDeps {
  store: OutboundRepository;
  targets: WriteTargets;
  owners: CalendarOwners;
  /** Writes to the owners' CalDAV servers: SSRF-safe, with a deadline and a size limit. */
  client: OutboundClient;
  clock: Clock;
  logger: Logger;
  /** Where the gateway serves the API (`https://slotkeeper.example`): feed URLs start with it. */
  publicBaseUrl: string;
  /** Write-back's retry delays (default `DEFAULT_RETRY_DELAYS_MS`); tests shorten them. */
  retryDelaysMs?: readonly number[];
}
