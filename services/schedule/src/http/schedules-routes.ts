import {
  createScheduleBody,
  listSchedulesQuery,
  problem,
  scheduleParams,
  scheduleResponse,
  tzQuery,
} from '@slotkeeper/contracts';
import { ownerOnly, renderIn, type HttpApp, type Render } from '@slotkeeper/http-kit';
import { z } from 'zod';
import type { Schedule } from '../domain/schedule.js';
import { toWireSlots } from '../domain/schedule-wire.js';
import { createSchedule, getSchedule, listSchedules, type ScheduleDeps } from '../domain/schedule-use-cases.js';

export const toScheduleResponse = (s: Schedule, render: Render) => ({
  id: s.id,
  user_id: s.userId,
  name: s.name,
  timezone: s.timezone,
  ...toWireSlots(s),
  created_at: render(s.createdAt),
});

const BASE = '/api/schedule/availability_schedules';

export function schedulesRoutes(app: HttpApp, deps: ScheduleDeps): void {
  app.post(
    BASE,
    {
      preValidation: ownerOnly,
      schema: {
        body: createScheduleBody,
        response: { 201: scheduleResponse, 400: problem, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request, reply) =>
      reply.code(201).send(toScheduleResponse(await createSchedule(request.principal, request.body, deps), renderIn())),
  );

  app.get(
    `${BASE}/:schedule_id`,
    {
      preValidation: ownerOnly,
      schema: {
        params: scheduleParams,
        querystring: tzQuery,
        response: { 200: scheduleResponse, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) =>
      toScheduleResponse(
        await getSchedule(request.principal, request.params.schedule_id, deps),
        renderIn(request.query.tz),
      ),
  );

  app.get(
    BASE,
    {
      preValidation: ownerOnly,
      schema: {
        querystring: listSchedulesQuery.extend(tzQuery.shape),
        response: { 200: z.array(scheduleResponse), 400: problem, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) => {
      const render = renderIn(request.query.tz);
      return (await listSchedules(request.principal, request.query.user_id, deps)).map((s) =>
        toScheduleResponse(s, render),
      );
    },
  );
}
