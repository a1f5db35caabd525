import { defaultRules } from '@slotkeeper/availability';
/**
 * The calendar service's wait for the booking service (read your writes), against the real
 * booking service: it answers which version of a calendar it has applied, to services only.
 */
import { anonymous, internalKeys, IDENTITY_HEADER, signIdentity } from '@slotkeeper/auth';
import { BookingServiceSync } from '@slotkeeper/calendar-service';
import type { MemoryLedgerRepository } from '@slotkeeper/booking-service';
import { ServiceUnavailableError } from '@slotkeeper/errors';
import { injectUpstream, signedUpstream, type HttpApp } from '@slotkeeper/http-kit';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryBookingApp } from './booking-app.js';

const CAL = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const keys = internalKeys('the internal secret of the calendar sync tests');
const state = (version: number) => ({
  calendarId: CAL,
  userId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
  rules: defaultRules,
  links: [],
  version,
});

describe('waiting for the booking service to apply a calendar change', () => {
  let ledgers: MemoryLedgerRepository;
  let app: HttpApp;
  let sync: BookingServiceSync;

  beforeEach(async () => {
    ({ app, ledgers } = await memoryBookingApp(keys));
    const asCalendar = signedUpstream(injectUpstream(app), keys.identity, { kind: 'service', service: 'calendar' });
    sync = new BookingServiceSync(asCalendar, 300);
  });

  it('when the version is applied already, then the wait ends at once', async () => {
    await ledgers.applyCalendar(state(1));
    await expect(sync.awaitApplied(CAL, 1)).resolves.toBeUndefined();
  });

  it('when the version arrives a little later, then the wait ends when it does', async () => {
    await ledgers.applyCalendar(state(1));
    const arrival = new Promise((resolve) => setTimeout(resolve, 40)).then(() => ledgers.applyCalendar(state(2)));
    await sync.awaitApplied(CAL, 2);
    expect((await ledgers.findCalendar(CAL))?.version).toBe(2);
    await arrival;
  });

  it('when the version never arrives, then the wait ends in 503 within its bound', async () => {
    await ledgers.applyCalendar(state(1));
    await expect(sync.awaitApplied(CAL, 2)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('when anyone but a service asks, then the booking service refuses', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/internal/calendars/${CAL}/version`,
      headers: { [IDENTITY_HEADER]: signIdentity(anonymous, keys.identity) },
    });
    expect(response.statusCode).toBe(403);
  });
});
