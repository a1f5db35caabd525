import { messageSchemas, type Envelope, type MessageData, type MessageType } from '@slotkeeper/contracts';

/** Parses a delivery's data against its type's schema; a consumer's first line. */
export function parseMessage<T extends MessageType>(type: T, message: Envelope): MessageData<T> {
  return messageSchemas[type].parse(message.data) as MessageData<T>;
}
