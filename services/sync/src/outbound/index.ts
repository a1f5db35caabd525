// Stub with the agreed exports (H5 fills it in); H4 wires these.
import type { MessageData } from '@slotkeeper/contracts';
import type { HttpApp } from '@slotkeeper/http-kit';
import type { Logger } from '@slotkeeper/observability';
import type { OutboundClient } from '@slotkeeper/outbound-http';
import type { Clock } from '@slotkeeper/time';
import type mongoose from 'mongoose';
import type { CalendarOwners, WriteTargets } from '../domain/ports.js';

export interface OutboundRepository {
  init(): Promise<void>;
}
export class MemoryOutboundRepository implements OutboundRepository {
  async init(): Promise<void> {}
}
export class MongoOutboundRepository implements OutboundRepository {
  constructor(readonly connection: mongoose.Connection) {}
  async init(): Promise<void> {}
}

export interface OutboundDeps {
  store: OutboundRepository;
  targets: WriteTargets;
  owners: CalendarOwners;
  client: OutboundClient;
  clock: Clock;
  logger: Logger;
  publicBaseUrl: string;
  retryDelaysMs?: readonly number[];
}

export function outboundHandlers(_deps: OutboundDeps): {
  EventBooked: (data: MessageData<'EventBooked'>) => Promise<void>;
  EventCanceled: (data: MessageData<'EventCanceled'>) => Promise<void>;
  EventRescheduled: (data: MessageData<'EventRescheduled'>) => Promise<void>;
} {
  return { EventBooked: async () => {}, EventCanceled: async () => {}, EventRescheduled: async () => {} };
}

export function outboundRoutes(_app: HttpApp, _deps: OutboundDeps): void {}

export class WriteBackWorker {
  constructor(readonly deps: OutboundDeps) {}
  start(): void {}
  async stop(): Promise<void> {}
  async runDue(): Promise<number> {
    return 0;
  }
}
