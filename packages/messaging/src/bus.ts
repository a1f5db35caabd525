import type { Envelope, MessageType } from '@slotkeeper/contracts';

/**
 * What travels beside a message, never inside its envelope (the contract fixes the envelope as
 * `{ id, type, occurred_at, data }`): on RabbitMQ, message headers.
 */
export interface PublishOptions {
  /** The id of the request that caused the message, so its handling logs under that id. */
  requestId?: string | undefined;
}

/** What a consumer learns of one delivery besides the message. */
export interface Delivery {
  /** The causing request's id, when the publisher gave a sane one. */
  requestId?: string;
  /** 1 on the first delivery, then one more on each retry. */
  attempt: number;
}

export type MessageHandler = (message: Envelope, delivery: Delivery) => Promise<void>;

export interface SubscribeOptions {
  /**
   * Every instance of the subscriber hears every message, instead of one instance each: for
   * state each instance keeps in its own memory (the gateway's cache of verified api keys).
   * The subscription lives as long as the instance's connection: messages published while it is
   * disconnected never reach it, and a message its handler keeps failing is logged and dropped,
   * not parked. `queue` then only names the subscription in logs.
   */
  broadcast?: boolean;
}

/**
 * The messaging port. Adapters: the in-process bus (embedded mode) and amqplib (distributed).
 * A queue is one consuming service; it receives every published message whose type it binds,
 * and its instances share them (each message goes to one), unless the subscription is a broadcast.
 */
export interface MessageBus {
  publish(message: Envelope, options?: PublishOptions): Promise<void>;
  subscribe(
    queue: string,
    types: readonly MessageType[],
    handler: MessageHandler,
    options?: SubscribeOptions,
  ): Promise<void>;
  close(): Promise<void>;
}

/** The AMQP header that carries `PublishOptions.requestId`. */
export const REQUEST_ID_HEADER = 'x-request-id';

export { saneRequestId } from '@slotkeeper/observability';
