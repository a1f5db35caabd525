import { messageSchemas, type Envelope, type MessageData, type MessageType } from '@slotkeeper/contracts';
import type { Logger } from '@slotkeeper/observability';
import type { Delivery } from './bus.js';

/** Parses a delivery's data against its type's schema; a consumer's first line. */
export function parseMessage<T extends MessageType>(type: T, message: Envelope): MessageData<T> {
  return messageSchemas[type].parse(message.data) as MessageData<T>;
}

/**
 * The logger a handler writes through: the consuming service's own, bound to the causing
 * request's id under `reqId` (the key of Fastify's request logs, so one search finds the HTTP
 * lines and the message handling alike) and to the message's id.
 */
export function deliveryLogger(logger: Logger, message: Envelope, delivery?: Delivery): Logger {
  return logger.child({ ...(delivery?.requestId && { reqId: delivery.requestId }), messageId: message.id });
}
