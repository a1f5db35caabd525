import type { CalDavObject, CalDavSynced } from '@slotkeeper/caldav';
import { MAX_BUSY_INTERVALS } from '@slotkeeper/contracts';
import { BusyLimitError, busyTimesOf, IcsParseError } from '@slotkeeper/icalendar';
import { mergeIntervals, type Interval } from '@slotkeeper/time';
import type { ObjectBusy, ObjectChanges, ReadRequest } from '../domain/busy-source.js';
import { turnUntil } from './read-deadline.js';

/** Occurrences and VEVENTs one read may expand, over all its objects: busyTimesOf's own default for one source. */
const MAX_STEPS = 2_000_000;
/** The longest the event loop is held between two objects. */
const TURN_MS = 10;

type Changed = Exclude<CalDavSynced, { changed: false }>;

/**
 * A CalDAV read's busy set and what to store of its objects. A full read expands every object and
 * replaces the stored ones; an incremental one expands only the objects it received and merges
 * them with the stored ones (`request.storedObjects`), replacing those it changed or removed.
 */
export async function caldavBusy(
  synced: Changed,
  request: ReadRequest,
): Promise<{ busy: Interval[]; objects: ObjectChanges }> {
  if (!synced.incremental) {
    const objects = await expandObjects(synced.objects, request);
    return { busy: mergedBusy(objects), objects: { replace: true, objects } };
  }
  const upserts = await expandObjects(synced.upserts, request);
  const kept = new Set(upserts.map((o) => o.href));
  // Removed, or changed so that they add no busy time any more: their stored versions go.
  const deletions = [...new Set([...synced.deletions, ...synced.upserts.map((o) => o.href)])].filter(
    (href) => !kept.has(href),
  );
  const all = new Map((await request.storedObjects()).map((o) => [o.href, o]));
  for (const href of deletions) all.delete(href);
  for (const object of upserts) all.set(object.href, object);
  return { busy: mergedBusy([...all.values()]), objects: { replace: false, upserts, deletions } };
}

/**
 * Each object's busy time, alone (a series and its overrides share one object, RFC 4791 §4.1), in
 * turns, under one budget of work for the whole read, stopping at the first turn past the read's
 * deadline (`request.signal`); objects that add none are left out.
 */
async function expandObjects(objects: readonly CalDavObject[], request: ReadRequest): Promise<ObjectBusy[]> {
  let steps = 0;
  let since = performance.now();
  const turn = turnUntil(request.signal);
  const nextTurn = async () => {
    await turn();
    since = performance.now();
  };
  const expanded: ObjectBusy[] = [];
  for (const { href, etag, text } of objects) {
    const left = MAX_STEPS - steps;
    if (left <= 0) throw new BusyLimitError(`more than ${MAX_STEPS} occurrences and events to expand`);
    const { busy, steps: taken } = await busyTimesOf([text], {
      ownerZone: request.ownerZone,
      window: request.window,
      ownCalendarId: request.calendarId,
      nextTurn,
      maxSteps: left,
    }).catch((error: unknown) => {
      // Its message names "the source" (one text): say which part, without its path.
      if (error instanceof IcsParseError)
        throw new IcsParseError(error.message.replace(/^the source\b/, 'one of its calendar objects'));
      throw error;
    });
    steps += taken;
    // busyTimesOf skips a series whose expansion threw, a turn past the deadline among them.
    request.signal?.throwIfAborted();
    if (busy.length > 0) expanded.push({ href, etag, busy });
    if (performance.now() - since > TURN_MS) await nextTurn();
  }
  return expanded;
}

/** The union of the objects' busy times, sorted and merged, held to the same limit as one source's. */
function mergedBusy(objects: readonly ObjectBusy[]): Interval[] {
  const busy = mergeIntervals(objects.flatMap((o) => o.busy));
  if (busy.length > MAX_BUSY_INTERVALS)
    throw new BusyLimitError(`${busy.length} busy intervals, more than the limit of ${MAX_BUSY_INTERVALS}`);
  return busy;
}
