import { apiRoutes } from '@slotkeeper/contracts';
import { renderIn, serveRoute, type HttpApp, type Render } from '@slotkeeper/http-kit';
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

export function schedulesRoutes(app: HttpApp, deps: ScheduleDeps): void {
  serveRoute(app, apiRoutes.createSchedule, async (request, reply) =>
    reply.code(201).send(toScheduleResponse(await createSchedule(request.principal, request.body, deps), renderIn())),
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
