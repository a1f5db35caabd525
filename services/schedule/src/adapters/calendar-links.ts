import { ServiceUnavailableError } from '@slotkeeper/errors';
import type { Upstream, UpstreamResponse } from '@slotkeeper/http-kit';
import { requestIdHeaders } from '@slotkeeper/service-clients';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { CalendarLinks, Schedule } from '../domain/schedule.js';
import { scheduleUpdatedData } from './schedule-messages.js';

const linksResponse = z.object({ calendar_ids: z.array(z.string()) });

const parseJson = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/**
 * The calendar service's internal schedule routes, called with this service's identity (the
 * upstream signs), each bounded by `timeoutMs`. Any answer but the expected one, a transport
 * error or the deadline is a ServiceUnavailableError: the caller answers 503.
 */
export class CalendarServiceLinks implements CalendarLinks {
  constructor(
    private readonly calendar: Upstream,
    private readonly timeoutMs = 5_000,
  ) {}

  async applyUpdate(schedule: Schedule): Promise<void> {
    const response = await this.call(
      {
        method: 'PUT',
        url: `/internal/schedules/${encodeURIComponent(schedule.id)}`,
        headers: { ...requestIdHeaders(), 'content-type': 'application/json' },
        body: JSON.stringify(scheduleUpdatedData(schedule)),
      },
      `schedule ${schedule.id} is saved, but linked calendars do not offer the change yet; ` +
        'it comes into force when the calendar service catches up',
    );
    if (response.statusCode !== 204) {
      throw new ServiceUnavailableError(
        `schedule ${schedule.id} is saved, but the calendar service answered ${response.statusCode}; ` +
          'the change comes into force when it catches up',
      );
    }
  }

  async linkingCalendars(scheduleId: string): Promise<string[]> {
    const unknown = `cannot tell now whether calendars link schedule ${scheduleId}`;
    const response = await this.call(
      {
        method: 'GET',
        url: `/internal/schedules/${encodeURIComponent(scheduleId)}/links`,
        headers: requestIdHeaders(),
      },
      unknown,
    );
    if (response.statusCode !== 200) throw new ServiceUnavailableError(unknown);
    const parsed = linksResponse.safeParse(parseJson(response.body));
    if (!parsed.success) throw new ServiceUnavailableError(unknown);
    return parsed.data.calendar_ids;
  }

  /** The call's answer by the deadline; a failure or the deadline is `unavailable`. */
  private async call(request: Parameters<Upstream['request']>[0], unavailable: string): Promise<UpstreamResponse> {
    const late = new AbortController();
    const deadline = sleep(this.timeoutMs, undefined, { signal: late.signal }).then(
      () => {
        throw new ServiceUnavailableError(unavailable);
      },
      () => undefined as never,
    );
    try {
      return await Promise.race([
        this.calendar.request(request).catch(() => {
          throw new ServiceUnavailableError(unavailable);
        }),
        deadline,
      ]);
    } finally {
      late.abort();
    }
  }
}
