import { ServiceUnavailableError } from '@slotkeeper/errors';
import type { Upstream } from '@slotkeeper/http-kit';
import { describe, expect, it } from 'vitest';
import { BookingServiceSync } from '../src/adapters/booking-sync.js';

const CAL = 'aaaaaaaaaaaaaaaaaaaaaaaa';
/** The booking service's transport answering `status` (or failing), recording what was asked. */
const answering = (status: number | Error) => {
  const asked: string[] = [];
  const upstream: Upstream = {
    request: async ({ method, url }) => {
      asked.push(`${method} ${url}`);
      if (status instanceof Error) throw status;
      return { statusCode: status, headers: {}, body: '' };
    },
  };
  return { asked, sync: new BookingServiceSync(upstream, 50) };
};

describe("closing a calendar through the booking service's internal route", () => {
  it('when booking answers 204, then closed; 409, then upcoming events', async () => {
    const closed = answering(204);
    expect(await closed.sync.close(CAL)).toBe('closed');
    expect(closed.asked).toEqual([`POST /internal/calendars/${CAL}/close`]);
    expect(await answering(409).sync.close(CAL)).toBe('upcoming-events');
  });

  it('when booking answers anything else or cannot be reached, then 503 (nothing is deleted)', async () => {
    await expect(answering(500).sync.close(CAL)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(answering(403).sync.close(CAL)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(answering(new Error('ECONNREFUSED')).sync.close(CAL)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
