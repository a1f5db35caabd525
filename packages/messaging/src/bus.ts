import type { Envelope, MessageType } from '@slotkeeper/contracts';

export type MessageHandler = (message: Envelope) => Promise<void>;

/**
 * The messaging port. Adapters: the in-process bus (embedded mode) and amqplib (distributed).
 * A queue is one consuming service; it receives every published message whose type it binds.
 */
export interface MessageBus {
  publish(message: Envelope): Promise<void>;
  subscribe(queue: string, types: readonly MessageType[], handler: MessageHandler): Promise<void>;
  close(): Promise<void>;
}
