import { createEnvelope, eventToWire, type Envelope } from '@slotkeeper/contracts';
import type { BookedEvent, EventChange } from '../domain/ledger.js';

const utc = (at: Date) => at.toISOString();

/**
 * The event as the contract shows it, instants in UTC, with the status its message type names, its
 * version and its cancel token's nonce (the salt: the notification service derives the booker's
 * link from it with the key it shares; never the token or its hash).
 */
const eventData = <S extends BookedEvent['status']>(event: BookedEvent, status: S) => ({
  ...eventToWire(event, utc),
  status,
  version: event.version,
  cancel_token_nonce: event.cancelToken.salt,
});

/** The message a change announces, as both stores write it to their outbox. */
export function toEventMessage(change: EventChange): Envelope {
  const { event, occurredAt } = change;
  switch (change.kind) {
    case 'booked':
      return createEnvelope('EventBooked', eventData(event, 'confirmed'), occurredAt);
    case 'canceled':
      return createEnvelope('EventCanceled', eventData(event, 'canceled'), occurredAt);
    case 'rescheduled':
      return createEnvelope(
        'EventRescheduled',
        {
          ...eventData(event, 'confirmed'),
          previous_start_time: utc(change.previous.start),
          previous_end_time: utc(change.previous.end),
        },
        occurredAt,
      );
  }
}
