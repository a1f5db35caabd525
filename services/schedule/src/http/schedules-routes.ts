import {
  apiRoutes,
  dateOverrideFromWire,
  scheduleToWire,
  weeklySlotFromWire,
  type CreateScheduleBody,
  type ScheduleResponse,
} from '@slotkeeper/contracts';
import { renderIn, serveRoute, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { Schedule, ScheduleInput } from '../domain/schedule.js';
import { createSchedule, getSchedule, listSchedules, type ScheduleDeps } from '../domain/schedule-use-cases.js';

/** A new schedule's body in the domain's terms. */
export const toScheduleInput = (body: CreateScheduleBody): ScheduleInput => ({
  userId: body.user_id,
  name: body.name,
  timezone: body.timezone,
  timeSlots: body.time_slots.map(weeklySlotFromWire),
  dateOverrides: body.date_overrides.map(dateOverrideFromWire),
});

const toScheduleResponse = (s: Schedule, render: Render): ScheduleResponse => ({
  id: s.id,
  user_id: s.userId,
  name: s.name,
  ...scheduleToWire(s),
  created_at: render(s.createdAt),
});

export function schedulesRoutes(app: HttpApp, deps: ScheduleDeps): void {
  serveRoute(app, apiRoutes.createSchedule, async (request, reply) =>
    reply
      .code(201)
      .send(
        toScheduleResponse(await createSchedule(request.principal, toScheduleInput(request.body), deps), renderIn()),
      ),
  );

  serveRoute(app, apiRoutes.getSchedule, async (request) =>
    toScheduleResponse(
      await getSchedule(request.principal, request.params.schedule_id, deps),
      renderIn(request.query.tz),
    ),
  );

  serveRoute(app, apiRoutes.listSchedules, async (request) => {
    const render = renderIn(request.query.tz);
    return (await listSchedules(request.principal, request.query.user_id, deps)).map((s) =>
      toScheduleResponse(s, render),
    );
  });
}
