import {
  buildBookingApp,
  type BookingAppDeps,
  CalendarSerializer,
  MemoryLedgerRepository,
} from '@slotkeeper/booking-service';
import { buildCalendarApp, MemoryCalendarRepository } from '@slotkeeper/calendar-service';
import { injectUpstream } from '@slotkeeper/http-kit';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { buildNotificationApp, LogNotifier, type Notifier } from '@slotkeeper/notification-service';
import type { Logger } from '@slotkeeper/observability';
import { buildScheduleApp, MemoryScheduleRepository } from '@slotkeeper/schedule-service';
import { ScheduleServiceClient, UserServiceClient } from '@slotkeeper/service-clients';
import { systemClock, type Clock } from '@slotkeeper/time';
import { buildUserApp, MemoryUserRepository } from '@slotkeeper/user-service';
import { buildGateway } from './gateway-app.js';

export interface EmbeddedOptions {
  logger: Logger;
  clock?: Clock;
  notifier?: Notifier;
}

/**
 * The whole system in one process: every service on in-memory stores, talking through the
 * in-process bus, reached by the gateway without sockets. The default of `pnpm start`.
 */
export async function buildEmbeddedSystem({ logger, clock = systemClock, notifier }: EmbeddedOptions) {
  const log = (service: string) => logger.child({ service });
  const bus = new InProcessBus({ logger: log('bus') });

  const userApp = buildUserApp({ users: new MemoryUserRepository(), clock, logger: log('user') });
  const users = new UserServiceClient(injectUpstream(userApp));
  const scheduleApp = buildScheduleApp({
    schedules: new MemoryScheduleRepository(),
    userDirectory: users,
    clock,
    logger: log('schedule'),
  });
  const calendars = new MemoryCalendarRepository();
  const ledgers = new MemoryLedgerRepository();
  // The in-process bus never fails, so each write's own flush delivers; the sweep is a backstop.
  const relays = [calendars.outbox, ledgers.outbox].map(
    (store) => new OutboxRelay(store, bus, { logger: log('outbox') }),
  );
  relays.forEach((relay) => relay.start());
  const calendarApp = await buildCalendarApp({
    calendars,
    outbox: relays[0]!,
    schedules: new ScheduleServiceClient(injectUpstream(scheduleApp)),
    users,
    bus,
    clock,
    logger: log('calendar'),
  });
  const bookingDeps: BookingAppDeps = {
    ledgers,
    outbox: relays[1]!,
    serializer: new CalendarSerializer(),
    bus,
    clock,
    logger: log('booking'),
  };
  const bookingApp = await buildBookingApp(bookingDeps);
  const notificationApp = await buildNotificationApp({
    bus,
    notifier: notifier ?? new LogNotifier(log('notification')),
    logger: log('notification'),
  });

  const gateway = await buildGateway({
    logger: log('gateway'),
    upstreams: {
      user: injectUpstream(userApp),
      schedule: injectUpstream(scheduleApp),
      calendar: injectUpstream(calendarApp),
      booking: injectUpstream(bookingApp),
    },
  });
  const services = [userApp, scheduleApp, calendarApp, bookingApp, notificationApp];
  gateway.addHook('onClose', async () => {
    relays.forEach((relay) => relay.stop());
    await Promise.all(services.map((app) => app.close()));
    await Promise.all(relays.map((relay) => relay.drain()));
    await bus.close();
  });
  return { gateway, bus };
}
