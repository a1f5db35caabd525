import {
  apiRoutes,
  dateOverrideFromWire,
  scheduleToWire,
  weeklySlotFromWire,
  type CreateScheduleBody,
  type ScheduleResponse,
  type UpdateScheduleBody,
} from '@slotkeeper/contracts';
import { renderIn, serveRoute, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { FastifyReply } from 'fastify';
import type { Schedule, ScheduleInput, SchedulePatch } from '../domain/schedule.js';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  updateSchedule,
  type ScheduleLifecycleDeps,
} from '../domain/schedule-use-cases.js';

/** A new schedule's body in the domain's terms. */
export const toScheduleInput = (body: CreateScheduleBody): ScheduleInput => ({
  userId: body.user_id,
  name: body.name,
  timezone: body.timezone,
  timeSlots: body.time_slots.map(weeklySlotFromWire),
  dateOverrides: body.date_overrides.map(dateOverrideFromWire),
});

/** A change's body in the domain's terms: what is left out stays undefined. */
export const toSchedulePatch = (body: UpdateScheduleBody): SchedulePatch => ({
  name: body.name,
  timezone: body.timezone,
  timeSlots: body.time_slots?.map(weeklySlotFromWire),
  dateOverrides: body.date_overrides?.map(dateOverrideFromWire),
});

const toScheduleResponse = (s: Schedule, render: Render): ScheduleResponse => ({
  id: s.id,
  user_id: s.userId,
  name: s.name,
  ...scheduleToWire(s),
  created_at: render(s.createdAt),
});

/**
 * The schedule's version as a strong entity tag (`"3"`): one URL (`?tz=` included) at one
 * version is always the same body. The calendar service records the version it links from it.
 */
const withVersion = (reply: FastifyReply, schedule: Schedule) => reply.header('etag', `"${schedule.version}"`);

export function schedulesRoutes(app: HttpApp, deps: ScheduleLifecycleDeps): void {
  serveRoute(app, apiRoutes.createSchedule, async (request, reply) => {
    const schedule = await createSchedule(request.principal, toScheduleInput(request.body), deps);
    return withVersion(reply, schedule).code(201).send(toScheduleResponse(schedule, renderIn()));
  });

  serveRoute(app, apiRoutes.getSchedule, async (request, reply) => {
    const schedule = await getSchedule(request.principal, request.params.schedule_id, deps);
    return withVersion(reply, schedule).send(toScheduleResponse(schedule, renderIn(request.query.tz)));
  });

  serveRoute(app, apiRoutes.listSchedules, async (request) => {
    const render = renderIn(request.query.tz);
    return (await listSchedules(request.principal, request.query.user_id, deps)).map((s) =>
      toScheduleResponse(s, render),
    );
  });

  serveRoute(app, apiRoutes.updateSchedule, async (request, reply) => {
    const schedule = await updateSchedule(
      request.principal,
      request.params.schedule_id,
      toSchedulePatch(request.body),
      deps,
      { requestId: request.id },
    );
    return withVersion(reply, schedule).send(toScheduleResponse(schedule, renderIn()));
  });

  serveRoute(app, apiRoutes.deleteSchedule, async (request, reply) => {
    await deleteSchedule(request.principal, request.params.schedule_id, deps, { requestId: request.id });
    return reply.code(204).send(null);
  });
}
