import { messageSchemas, type Envelope, type MessageData, type MessageType } from '@slotkeeper/contracts';
import type { Logger } from '@slotkeeper/observability';
import type { Delivery, MessageBus, MessageHandler, SubscribeOptions } from './bus.js';

/** Parses a delivery's data against its type's schema. */
export function parseMessage<T extends MessageType>(type: T, message: Envelope): MessageData<T> {
  return messageSchemas[type].parse(message.data) as MessageData<T>;
}

/** A consumer's handler of each message type it takes, given the data that type's own schema parsed. */
export type TypedHandlers = {
  [T in MessageType]?: (data: MessageData<T>, message: Envelope, delivery: Delivery) => Promise<void>;
};

/**
 * A handler that dispatches on the envelope's `type`: the data is parsed by that type's own
 * schema and handed to that type's handler. A message whose data its schema refuses fails, and
 * so does one of a type without a handler. That one is not acked and dropped: the queue binds
 * only the types handled here, so it was bound by another version of this service sharing the
 * queue (a rolling deploy adding a type) or routed by mistake. Failing it sends it through the
 * retry queue, where an instance that knows the type may take it, and then parks it in the
 * dead-letter queue, kept for a look and a replay.
 */
export function dispatchByType(handlers: TypedHandlers): MessageHandler {
  return async (message, delivery) => {
    if (!Object.hasOwn(handlers, message.type)) throw new Error(`no handler for messages of type ${message.type}`);
    await handle(message.type as MessageType, handlers, message, delivery);
  };
}

function handle<T extends MessageType>(type: T, handlers: TypedHandlers, message: Envelope, delivery: Delivery) {
  const handler = handlers[type]!;
  return handler(parseMessage(type, message), message, delivery);
}

/** Subscribes the queue to the message types `handlers` names, dispatched by `dispatchByType`. */
export async function subscribeByType(
  bus: MessageBus,
  queue: string,
  handlers: TypedHandlers,
  options?: SubscribeOptions,
): Promise<void> {
  await bus.subscribe(queue, Object.keys(handlers) as MessageType[], dispatchByType(handlers), options);
}

/**
 * The logger a handler writes through: the consuming service's own, bound to the causing
 * request's id under `reqId` (the key of Fastify's request logs, so one search finds the HTTP
 * lines and the message handling alike) and to the message's id.
 */
export function deliveryLogger(logger: Logger, message: Envelope, delivery?: Delivery): Logger {
  return logger.child({ ...(delivery?.requestId && { reqId: delivery.requestId }), messageId: message.id });
}
