import { createEnvelope, eventToWire, type Envelope } from '@slotkeeper/contracts';
import type { BookedEvent, EventChange } from '../domain/ledger.js';

/** The event as the contract shows it, instants in UTC, with the status its message type names. */
const eventData = <S extends BookedEvent['status']>(event: BookedEvent, status: S) => ({
  ...eventToWire(event, (at) => at.toISOString()),
  status,
});

/** The message a change announces, as both stores write it to their outbox. */
export const toEventMessage = ({ kind, event, occurredAt }: EventChange): Envelope =>
  kind === 'booked'
    ? createEnvelope('EventBooked', { ...eventData(event, 'confirmed'), version: 1 }, occurredAt)
    : // TODO(issue 14, reschedule): the event's own version; without reschedules a cancel is its second.
      createEnvelope('EventCanceled', { ...eventData(event, 'canceled'), version: 2 }, occurredAt);
