import type { InternalKeys } from '@slotkeeper/auth';
import {
  buildBookingApp,
  CalendarSerializer,
  MemoryBusyTimesRepository,
  MemoryLedgerRepository,
} from '@slotkeeper/booking-service';
import type { HttpApp } from '@slotkeeper/http-kit';
import { InProcessBus, OutboxRelay, type MessageBus } from '@slotkeeper/messaging';
import { silentLogger, type Logger } from '@slotkeeper/observability';
import { ManualClock, type Clock } from '@slotkeeper/time';

/**
 * The booking service alone on an in-memory ledger, for tests that reach it without the gateway.
 * A test that builds other services beside it passes the bus, clock and logger they share.
 */
export async function memoryBookingApp(
  keys: InternalKeys,
  shared: { bus?: MessageBus; clock?: Clock; logger?: Logger } = {},
): Promise<{ app: HttpApp; ledgers: MemoryLedgerRepository }> {
  const logger = shared.logger ?? silentLogger();
  const bus = shared.bus ?? new InProcessBus({ logger });
  const ledgers = new MemoryLedgerRepository();
  const app = await buildBookingApp({
    ledgers,
    busyTimes: new MemoryBusyTimesRepository(),
    outbox: new OutboxRelay(ledgers.outbox, bus, { logger }),
    serializer: new CalendarSerializer(),
    bus,
    clock: shared.clock ?? new ManualClock('2030-06-01T00:00:00Z'),
    logger,
    identityKey: keys.identity,
    cancelTokenKey: keys.cancelTokens,
  });
  return { app, ledgers };
}
