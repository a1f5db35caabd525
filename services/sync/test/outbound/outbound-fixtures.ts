/**
 * The outbound half as its tests meet it: the handlers, routes and worker built on the memory
 * store, a manual clock, a calendar directory and a list of write-back targets kept in memory
 * (the calendar service and the busy-source store are other parts), and a logger whose lines the
 * tests read back.
 */
import { IDENTITY_HEADER, internalKeys, signIdentity, type Principal } from '@slotkeeper/auth';
import type { MessageData } from '@slotkeeper/contracts';
import { createHttpApp, type HttpApp } from '@slotkeeper/http-kit';
import { createLogger, type Logger } from '@slotkeeper/observability';
import { outboundClient, type OutboundClient } from '@slotkeeper/outbound-http';
import { ManualClock } from '@slotkeeper/time';
import type { CalendarOwner, CalendarOwners, WriteTarget, WriteTargets } from '../../src/domain/ports.js';
import { SecretsUnreadable } from '../../src/domain/source-secrets.js';
import {
  MemoryOutboundRepository,
  outboundHandlers,
  outboundRoutes,
  WriteBackWorker,
  type OutboundDeps,
  type OutboundRepository,
} from '../../src/outbound/index.js';

export const ANN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
export const BOB = 'bbbbbbbbbbbbbbbbbbbbbbbb';
export const CAL = 'cccccccccccccccccccccccc';
export const OTHER_CAL = 'dddddddddddddddddddddddd';
export const NO_CAL = 'eeeeeeeeeeeeeeeeeeeeeeee';
export const SOURCE = '5050505050505050505050aa';
export const ann: Principal = { kind: 'user', userId: ANN };
export const bob: Principal = { kind: 'user', userId: BOB };

export const NOW = '2030-06-20T08:00:00.000Z';
export const PUBLIC_BASE_URL = 'https://slotkeeper.example';

const keys = internalKeys('the internal secret of the outbound tests');
export const identityKey = keys.identity;
export const as = (principal: Principal) => ({ [IDENTITY_HEADER]: signIdentity(principal, keys.identity) });

/** Calendars as the calendar service would describe them. */
export class FixedOwners implements CalendarOwners {
  readonly calendars = new Map<string, CalendarOwner>([
    [CAL, { calendarId: CAL, userId: ANN, timezone: 'Asia/Kolkata', name: 'Ann, consulting; 1:1' }],
    [OTHER_CAL, { calendarId: OTHER_CAL, userId: ANN, timezone: 'Asia/Kolkata', name: 'Other' }],
  ]);
  async ownerOf(calendarId: string): Promise<CalendarOwner | null> {
    return this.calendars.get(calendarId) ?? null;
  }
}

/**
 * Write-back targets as the busy-source store would give them; tests add, change and remove them,
 * and list in `unreadable` those whose secrets will not open (their key left SECRET_KEYS).
 */
export class ListedTargets implements WriteTargets {
  targets: WriteTarget[] = [];
  readonly unreadable = new Set<string>();
  /** How often secrets were opened: only a write needs them. */
  opened = 0;

  async sourceIdsFor(calendarId: string): Promise<string[]> {
    return this.targets.filter((target) => target.calendarId === calendarId).map((target) => target.sourceId);
  }

  async target(sourceId: string): Promise<WriteTarget | null> {
    const target = this.targets.find((t) => t.sourceId === sourceId);
    if (!target) return null;
    if (this.unreadable.has(sourceId)) throw new SecretsUnreadable();
    this.opened += 1;
    return { ...target };
  }
}

let serial = 0;
/** A fresh event id (24 hex digits). */
export const eventId = () => (++serial).toString(16).padStart(24, '0');

type Booked = MessageData<'EventBooked'>;

/** An event as its messages carry it: booked at version 1 unless told otherwise. */
export function eventData(id: string, overrides: Partial<Booked> = {}): Booked {
  return {
    id,
    calendar_id: CAL,
    title: 'Intro call',
    start_time: '2030-06-24T09:00:00.000Z',
    end_time: '2030-06-24T09:30:00.000Z',
    booked_by: 'bea@example.com',
    booker_name: 'Bea Booker',
    notes: 'About the roadmap, Q3; and Q4',
    guests: ['cy@example.com'],
    status: 'confirmed',
    created_at: '2030-06-20T07:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

export const rescheduled = (
  id: string,
  version: number,
  start: string,
  end: string,
  overrides: Partial<Booked> = {},
): MessageData<'EventRescheduled'> => ({
  ...eventData(id, { version, start_time: start, end_time: end, ...overrides }),
  status: 'confirmed',
  previous_start_time: '2030-06-24T09:00:00.000Z',
  previous_end_time: '2030-06-24T09:30:00.000Z',
});

export const canceled = (
  id: string,
  version: number,
  overrides: Partial<Booked> = {},
): MessageData<'EventCanceled'> => ({
  ...eventData(id, { version, ...overrides }),
  status: 'canceled',
});

export interface OutboundSystem {
  deps: OutboundDeps;
  store: OutboundRepository;
  clock: ManualClock;
  owners: FixedOwners;
  targets: ListedTargets;
  client: OutboundClient;
  handlers: ReturnType<typeof outboundHandlers>;
  worker: WriteBackWorker;
  /** Every log line, as written (JSON). */
  lines: string[];
  logger: Logger;
}

/** The outbound half on the memory store, with its log lines kept. */
export function outbound(
  options: { retryDelaysMs?: readonly number[]; store?: OutboundRepository } = {},
): OutboundSystem {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const clock = new ManualClock(NOW);
  const owners = new FixedOwners();
  const targets = new ListedTargets();
  const client = outboundClient({ allowPrivate: true, totalTimeoutMs: 5_000 });
  const deps: OutboundDeps = {
    store: options.store ?? new MemoryOutboundRepository(),
    targets,
    owners,
    client,
    clock,
    logger,
    publicBaseUrl: `${PUBLIC_BASE_URL}/`,
    ...(options.retryDelaysMs && { retryDelaysMs: options.retryDelaysMs }),
  };
  const handlers = outboundHandlers(deps);
  const worker = new WriteBackWorker(deps);
  return { deps, store: deps.store, clock, owners, targets, client, handlers, worker, lines, logger };
}

/** The feed routes in a small app of their own, behind the identity header as the gateway sends it. */
export async function feedApp(deps: OutboundDeps): Promise<HttpApp> {
  const app = createHttpApp({ logger: deps.logger, identityKey });
  outboundRoutes(app, deps);
  await app.ready();
  return app;
}
