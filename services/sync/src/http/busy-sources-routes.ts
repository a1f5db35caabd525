import { apiRoutes, type BusySourceResponse, type CreateBusySourceBody } from '@slotkeeper/contracts';
import { renderIn, serveRoute, type HttpApp } from '@slotkeeper/http-kit';
import type { BusySource, SecretSealer } from '../domain/busy-source.js';
import {
  createBusySource,
  deleteBusySource,
  listBusySources,
  type BusySourceDeps,
  type BusySourceInput,
} from '../domain/busy-source-use-cases.js';
import { shownState } from '../domain/source-secrets.js';

export const toBusySourceInput = (body: CreateBusySourceBody): BusySourceInput => ({
  kind: body.kind,
  url: body.url,
  credentials:
    body.username !== undefined && body.password !== undefined
      ? { username: body.username, password: body.password }
      : null,
  writeBookings: body.write_bookings,
});

/** A source as the contract shows it to its owner (`shownState`): never its password, nor its sync's state. */
export const toBusySourceResponse = (source: BusySource, secrets: SecretSealer): BusySourceResponse => {
  const render = renderIn();
  const shown = shownState(source, secrets);
  return {
    id: source.id,
    calendar_id: source.calendarId,
    kind: source.kind,
    url: shown.url,
    username: source.username,
    write_bookings: source.writeBookings,
    status: shown.status,
    last_synced_at: source.lastSyncedAt ? render(source.lastSyncedAt) : null,
    last_error: shown.lastError,
    created_at: render(source.createdAt),
  };
};

export function busySourcesRoutes(app: HttpApp, deps: BusySourceDeps): void {
  serveRoute(app, apiRoutes.createBusySource, async (request, reply) => {
    const source = await createBusySource(
      request.principal,
      request.params.calendar_id,
      toBusySourceInput(request.body),
      deps,
      { requestId: request.id },
    );
    return reply.code(201).send(toBusySourceResponse(source, deps.secrets));
  });

  serveRoute(app, apiRoutes.listBusySources, async (request) =>
    (await listBusySources(request.principal, request.params.calendar_id, deps)).map((source) =>
      toBusySourceResponse(source, deps.secrets),
    ),
  );

  serveRoute(app, apiRoutes.deleteBusySource, async (request, reply) => {
    const { calendar_id, source_id } = request.params;
    await deleteBusySource(request.principal, calendar_id, source_id, deps, { requestId: request.id });
    return reply.code(204).send(null);
  });
}
