import { generateId, MAX_BUSY_SOURCES_PER_CALENDAR, type BusySourceKind } from '@slotkeeper/contracts';
import { assertOwner, ConflictError, NotFoundError, ValidationError, type Principal } from '@slotkeeper/errors';
import {
  secretContext,
  urlContext,
  type BookingBusySync,
  newBusySource,
  type BusySource,
  type SecretSealer,
  type UrlPolicy,
} from './busy-source.js';
import type { CalendarOwner, CalendarOwners } from './ports.js';
import { removeSource, type RemoveDeps, type SyncDeps, type SyncOutcome } from './sync-source.js';

/**
 * Runs a source's sync under the lease it holds, on the service's sync workers: as soon as one is
 * free (the wait counts against the caller's own), never beside their limit.
 */
export interface Syncer {
  syncNow(source: BusySource, requestId?: string): Promise<SyncOutcome>;
}

export interface BusySourceDeps extends SyncDeps {
  owners: CalendarOwners;
  urls: UrlPolicy;
  secrets: SecretSealer;
  bookings: BookingBusySync;
  syncer: Syncer;
  /** How long a POST waits for the first sync before it answers `pending` (5 s). */
  firstSyncWaitMs: number;
  /** How long the first sync's lease lasts: longer than any sync may take. */
  leaseMs: number;
}

export interface BusySourceInput {
  kind: BusySourceKind;
  url: string;
  credentials: { username: string; password: string } | null;
  writeBookings: boolean;
}

interface Options {
  requestId?: string;
}

/** The calendar, for its owner: 404 when the calendar service knows no such calendar, 403 for another user. */
async function ownedCalendar(actor: Principal, calendarId: string, owners: CalendarOwners): Promise<CalendarOwner> {
  const owner = await owners.ownerOf(calendarId);
  if (!owner) throw new NotFoundError('calendar', calendarId);
  assertOwner(actor, owner.userId, 'calendar');
  return owner;
}

/**
 * Adds a busy source and syncs it at once (on the service's sync workers, waiting for a free one):
 * the answer shows the first sync's outcome when it ends within `firstSyncWaitMs`, with its busy
 * times applied by the booking service by then; otherwise `pending`, and the sync goes on in the
 * background. Once the source is stored, the answer is a 201 whatever follows: a booking service
 * that does not apply the busy times in time makes it `pending` too (they are saved and come into
 * force when it catches up), so a client never retries into a second source.
 */
export async function createBusySource(
  actor: Principal,
  calendarId: string,
  input: BusySourceInput,
  deps: BusySourceDeps,
  { requestId }: Options = {},
): Promise<BusySource> {
  const owner = await ownedCalendar(actor, calendarId, deps.owners);
  const checked = await deps.urls.check(input.url);
  if (!checked.ok) throw new ValidationError(`url: ${checked.reason}`, [{ path: 'url', message: checked.reason }]);
  const now = deps.clock.now();
  const id = generateId();
  const source = newBusySource({
    id,
    calendarId,
    userId: owner.userId,
    kind: input.kind,
    sealedUrl: deps.secrets.seal(input.url, urlContext(id)),
    username: input.credentials?.username ?? null,
    sealedPassword: input.credentials ? deps.secrets.seal(input.credentials.password, secretContext(id)) : null,
    writeBookings: input.writeBookings,
    createdAt: now,
    ownerZone: owner.timezone,
    nextSyncAt: new Date(now.getTime() + deps.settings.intervalMs),
    // Held by the first sync below: no scheduler takes the source meanwhile.
    lease: { token: generateId(), until: new Date(now.getTime() + deps.leaseMs) },
  });
  if (!(await deps.sources.create(source, MAX_BUSY_SOURCES_PER_CALENDAR))) {
    throw new ConflictError(`calendar ${calendarId} has ${MAX_BUSY_SOURCES_PER_CALENDAR} busy sources already`);
  }
  const outcome = await within(deps.firstSyncWaitMs, deps.syncer.syncNow(source, requestId));
  if (outcome === 'late' || outcome.kind === 'lost') return { ...source, lease: null };
  if (outcome.published) {
    const applied = await deps.bookings.awaitApplied(calendarId, id, outcome.source.version).then(
      () => true,
      () => false,
    );
    // Stored and synced; only the booking service lags: the next list shows it as stored.
    if (!applied) return { ...outcome.source, status: 'pending' };
  }
  return outcome.source;
}

/** The work's result if it settles within `ms`, else 'late' (the work goes on). */
async function within<T>(ms: number, work: Promise<T>): Promise<T | 'late'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function listBusySources(actor: Principal, calendarId: string, deps: BusySourceDeps) {
  await ownedCalendar(actor, calendarId, deps.owners);
  return deps.sources.listByCalendar(calendarId);
}

/**
 * Removes a source; answers once the booking service no longer counts its busy times. When it does
 * not catch up in time, ServiceUnavailableError with the removal saved (whole, never in part): a
 * retry then finds no source, a 404, and the busy times go when the booking service catches up.
 */
export async function deleteBusySource(
  actor: Principal,
  calendarId: string,
  sourceId: string,
  deps: BusySourceDeps,
  { requestId }: Options = {},
): Promise<void> {
  await ownedCalendar(actor, calendarId, deps.owners);
  const source = await deps.sources.find(sourceId);
  if (!source || source.calendarId !== calendarId) throw new NotFoundError('busy source', sourceId);
  const version = await removeSource(source, deps, requestId);
  if (version === null) throw new NotFoundError('busy source', sourceId);
  await deps.bookings.awaitApplied(calendarId, sourceId, version);
}

/** A calendar was deleted: its sources go, each withdrawing its busy times. Idempotent. */
export async function removeCalendarSources(calendarId: string, deps: RemoveDeps, requestId?: string): Promise<number> {
  let removed = 0;
  for (const source of await deps.sources.listByCalendar(calendarId)) {
    if ((await removeSource(source, deps, requestId)) !== null) removed++;
  }
  return removed;
}
