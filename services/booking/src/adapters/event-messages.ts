import { createEnvelope, eventToWire, type Envelope } from '@slotkeeper/contracts';
import type { BookedEvent, EventChange } from '../domain/ledger.js';

const utc = (at: Date) => at.toISOString();

/** The event as the contract shows it, instants in UTC, with the status its message type names and its version. */
const eventData = <S extends BookedEvent['status']>(event: BookedEvent, status: S) => ({
  ...eventToWire(event, utc),
  status,
  version: event.version,
});

/**
 * A confirmed event's data with its cancel token's nonce (the salt: the notification service
 * derives the booker's manage link from it with the key it holds; never the token or its hash).
 * A canceled event's mail has no such link, so its message carries no nonce.
 */
const confirmedData = (event: BookedEvent) => ({
  ...eventData(event, 'confirmed'),
  cancel_token_nonce: event.cancelToken.salt,
});

/** The message a change announces, as both stores write it to their outbox. */
export function toEventMessage(change: EventChange): Envelope {
  const { event, occurredAt } = change;
  switch (change.kind) {
    case 'booked':
      return createEnvelope('EventBooked', confirmedData(event), occurredAt);
    case 'canceled':
      return createEnvelope('EventCanceled', eventData(event, 'canceled'), occurredAt);
    case 'rescheduled':
      return createEnvelope(
        'EventRescheduled',
        {
          ...confirmedData(event),
          previous_start_time: utc(change.previous.start),
          previous_end_time: utc(change.previous.end),
        },
        occurredAt,
      );
  }
}
