import { envelope, type Envelope, type MessageType } from '@slotkeeper/contracts';
import type { Logger } from '@slotkeeper/observability';
import amqplib, {
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type Options,
  type RecoveringChannelModel,
} from 'amqplib';
import { Duplex } from 'node:stream';
import {
  REQUEST_ID_HEADER,
  saneRequestId,
  type MessageBus,
  type MessageHandler,
  type PublishOptions,
  type SubscribeOptions,
} from './bus.js';
import {
  workQueueOptions,
  type Job,
  type JobHandler,
  type JobOutcome,
  type WorkQueueOptions,
  type WorkQueues,
} from './work-queue.js';

/** How long a publish waits for the broker's confirm. */
const CONFIRM_TIMEOUT_MS = 10_000;
/** How long `close` may take unless told (see `AmqpBusOptions.closeTimeoutMs`). */
const CLOSE_TIMEOUT_MS = 15_000;
/** Of a close's time, what is kept for closing the connection once the handlers are done (at most). */
const CONNECTION_CLOSE_MS = 3_000;

export interface AmqpBusOptions {
  url: string;
  logger: Logger;
  /** The one durable topic exchange; routing key = message type. */
  exchange?: string;
  /** Unacknowledged deliveries per consumer. */
  prefetch?: number;
  /** Deliveries of a failing message before it is parked in `<queue>.dead`. */
  maxAttempts?: number;
  /**
   * How long a failed message waits in `<queue>.retry` before it is delivered again; and how long
   * a job whose handler threw is held before it is given back to its queue (1 s).
   */
  retryDelayMs?: number;
  /** Deliveries of a job before the broker parks it in `<queue>.dead` (20); tests lower it. */
  jobDeliveryLimit?: number;
  /**
   * How long `close` may take (15 s): the handlers under way get all of it but the connection's
   * own close (the last fifth, 3 s at most). A webhook attempt's deadline is 10 s.
   */
  closeTimeoutMs?: number;
}

/** A consumer on the broker: cancelled by its tag, on its own channel, when the bus closes. */
interface Consuming {
  channel: ConfirmChannel;
  consumerTag: string;
}

interface Consumer {
  /** The queue, or for a broadcast subscription the name it goes by in logs. */
  queue: string;
  /** Its own server-named queue on each connection, rather than the queue its service shares. */
  broadcast: boolean;
  types: readonly MessageType[];
  handler: MessageHandler;
  /** Ids handled lately: a broker restart or a retry after a lost ack delivers duplicates. */
  seen: Set<string>;
  /**
   * Ids being handled now. A copy can arrive while the first is still handled: redelivered
   * after a reconnect (the first's ack was lost with the old channel), or published twice by an
   * outbox whose confirm was lost. It waits for the first instead of running alongside it.
   */
  running: Map<string, Promise<void>>;
  /** Where it consumes now; replaced on every reconnect. */
  consuming?: Consuming;
}

/** A work queue this instance consumes (`consumeJobs`). */
interface WorkConsumer {
  queue: string;
  delaysMs: ReadonlySet<number>;
  concurrency: number;
  handler: JobHandler;
  /**
   * Job ids being handled now; a copy waits for the first (see `Consumer.running`). There is no
   * `seen` set: a retry's next attempt is a copy with the same id, and must run.
   */
  running: Map<string, Promise<void>>;
  consuming?: Consuming;
}

const SEEN_IDS_KEPT = 100_000;
const ATTEMPT_HEADER = 'x-slotkeeper-attempt';

/**
 * The messaging port and the work queues over RabbitMQ with amqplib's own connection recovery:
 * `setup` runs after every (re)connect and declares the whole topology again, then restarts the
 * consumers.
 */
export class AmqpBus implements MessageBus, WorkQueues {
  /** By queue; a broadcast subscription by a key of its own. */
  private readonly consumers = new Map<string, Consumer>();
  private readonly workQueues = new Map<string, WorkConsumer>();
  private broadcasts = 0;
  private publisher: ConfirmChannel | undefined;
  private model: ChannelModel | undefined;
  private connected = false;
  private readonly exchange: string;
  /** Every delivery, event or job, from its arrival until it is acked, moved or given back. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Set once `close` begins: a delivery whose handler has not started is given back to the broker. */
  private stopping = false;
  private closed: Promise<void> | undefined;
  /**
   * Consumers started once closing (by a reconnect's `setup` under way): after `close` took its
   * list, so they are cancelled as they start, and `close` closes their channels too.
   */
  private readonly startedLate: Consuming[] = [];
  /** Each channel's cancel of its consumer, sent once (by close, a late start or a given-back delivery). */
  private readonly cancels = new WeakMap<ConfirmChannel, Promise<void>>();

  private connection: RecoveringChannelModel | undefined;

  private constructor(private readonly options: AmqpBusOptions) {
    this.exchange = options.exchange ?? 'slotkeeper.events';
  }

  static async connect(options: AmqpBusOptions): Promise<AmqpBus> {
    const bus = new AmqpBus(options);
    const connection = await amqplib.connect(options.url, {
      // Nagle's algorithm held small frames back by tens of milliseconds.
      noDelay: true,
      recovery: {
        initialDelay: 100,
        maxDelay: 2_000,
        initialMaxRetries: 20,
        waitForConnect: false,
        setup: (model: ChannelModel) => bus.setup(model),
      },
    });
    bus.connection = connection;
    connection.on('disconnect', (error: Error) => {
      bus.connected = false;
      bus.publisher = undefined;
      bus.model = undefined;
      options.logger.warn({ err: error }, 'broker connection lost; reconnecting');
    });
    connection.on('error', (error: Error) => options.logger.warn({ err: error }, 'broker connection error'));
    await connection.waitForConnect();
    return bus;
  }

  isConnected(): boolean {
    return this.connected;
  }

  async publish(message: Envelope, options: PublishOptions = {}): Promise<void> {
    const channel = this.publisher;
    if (!channel) throw new Error('not connected to the broker');
    const content = Buffer.from(JSON.stringify(message));
    // Beside the envelope, as a header: retries and parking copy the headers along.
    const headers = options.requestId ? { [REQUEST_ID_HEADER]: options.requestId } : undefined;
    // Each publish awaits its own confirm, so concurrent publishes are pipelined. A broker that
    // blocks (a memory or disk alarm) sends no confirm: past the limit the publish fails, the
    // message stays in the outbox for the sweep, and nothing waits on it for ever.
    await confirmed((done) =>
      channel.publish(
        this.exchange,
        message.type,
        content,
        {
          persistent: true,
          messageId: message.id,
          type: message.type,
          contentType: 'application/json',
          ...(headers && { headers }),
        },
        done,
      ),
    );
  }

  async subscribe(
    queue: string,
    types: readonly MessageType[],
    handler: MessageHandler,
    { broadcast = false }: SubscribeOptions = {},
  ): Promise<void> {
    const consumer: Consumer = { queue, broadcast, types, handler, seen: new Set(), running: new Map() };
    this.consumers.set(broadcast ? `${queue}#${++this.broadcasts}` : queue, consumer);
    if (this.connected && this.model) await this.startConsumer(consumer, this.model);
  }

  async consumeJobs(queue: string, options: WorkQueueOptions, handler: JobHandler): Promise<void> {
    if (this.workQueues.has(queue)) throw new Error(`the work queue ${queue} is consumed here already`);
    const work: WorkConsumer = { queue, ...workQueueOptions(options), handler, running: new Map() };
    this.workQueues.set(queue, work);
    if (!this.connected || !this.model) return;
    try {
      await this.startWorkConsumer(work, this.model);
    } catch (error) {
      // Not declared (a 406 for arguments that differ from the broker's): the next reconnect must not fail on it.
      this.workQueues.delete(queue);
      throw error;
    }
  }

  async enqueueJob(queue: string, job: Job, { delayMs }: { delayMs?: number } = {}): Promise<void> {
    const work = this.workQueues.get(queue);
    // Publishing to a queue nobody declared would be confirmed and dropped by the broker.
    if (!work) throw new Error(`the work queue ${queue} is not declared: consume it (consumeJobs) before enqueueing`);
    const target = delayMs === undefined ? queue : delayQueue(work, delayMs);
    const channel = this.publisher;
    if (!channel || !this.connected) throw new Error('not connected to the broker');
    await confirmed((done) => channel.sendToQueue(target, jobContent(job), jobProperties(job), done));
  }

  /**
   * Shuts down without redeliveries that can be avoided: cancels every consumer so no handler
   * starts from then on (a delivery already received but not begun, one on its way or a copy
   * waiting for its first, is given back for another instance), waits for the handlers under way
   * so their acks and moves go out, then closes the channels and the connection. Gives up on
   * the handlers and then on the connection once `timeoutMs` has passed, so a hung handler or a
   * lost broker never hangs a shutdown: what was not acked is delivered again, to another instance.
   * Services close the bus after their HTTP server and before the stores its handlers use.
   */
  close(timeoutMs = this.options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS): Promise<void> {
    this.closed ??= this.shutdown(timeoutMs);
    return this.closed;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const log = this.options.logger;
    const deadline = performance.now() + timeoutMs;
    this.stopping = true;
    const consuming = [...this.consumers.values(), ...this.workQueues.values()].flatMap((c) => c.consuming ?? []);
    const drained = await within(this.drain(consuming), timeoutMs - Math.min(CONNECTION_CLOSE_MS, timeoutMs / 5));
    if (!drained) {
      log.warn(
        { running: this.inFlight.size },
        'handlers still running at shutdown; their deliveries will be redelivered',
      );
    }
    this.consumers.clear();
    this.workQueues.clear();
    const channels = [...consuming, ...this.startedLate].map(({ channel }) => channel);
    // A channel's close goes out after its acks. Closing the connection at once lost an ack sent
    // just before it (amqplib 2.3, RabbitMQ 3.10): the job was delivered again.
    const closed = (async () => {
      await Promise.all(channels.map((channel) => channel.close().catch(() => undefined)));
      await this.connection?.close().catch(() => undefined);
    })();
    if (!(await within(closed, deadline - performance.now()))) {
      log.warn('broker connection did not close in time; leaving it');
    }
  }

  /** Cancels every consumer, then waits for every delivery it had begun (and the cancels of consumers started late). */
  private async drain(consuming: readonly Consuming[]): Promise<void> {
    await Promise.all(consuming.map(({ channel, consumerTag }) => this.cancel(channel, consumerTag)));
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Cancels the consumer of `channel`, once; never rejects. */
  private cancel(channel: ConfirmChannel, consumerTag: string): Promise<void> {
    let cancelled = this.cancels.get(channel);
    if (!cancelled) {
      // A channel already closed (a lost connection) has nothing left to cancel: the broker took its deliveries back.
      cancelled = channel.cancel(consumerTag).then(
        () => undefined,
        () => undefined,
      );
      this.cancels.set(channel, cancelled);
    }
    return cancelled;
  }

  /**
   * Records where a consumer now consumes. One that started once closing began (a reconnect's
   * `setup` under way when `close` took its list) is cancelled at once, and close waits for that.
   */
  private consumingOn(target: Consumer | WorkConsumer, channel: ConfirmChannel, consumerTag: string): void {
    target.consuming = { channel, consumerTag };
    if (!this.stopping) return;
    this.startedLate.push(target.consuming);
    this.track(this.cancel(channel, consumerTag));
  }

  /** Counts a delivery in flight until it settles (`delivery` never rejects). */
  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /**
   * Once closing, a delivery whose handler has not started goes back to its queue unhandled, and
   * its consumer is cancelled if it was not yet (one started late): each return counts towards the
   * queue's delivery limit, and a consumer left running would get the message straight back.
   */
  private givenBack(channel: ConfirmChannel, delivery: ConsumeMessage): boolean {
    if (!this.stopping) return false;
    channel.nack(delivery, false, true);
    this.track(this.cancel(channel, delivery.fields.consumerTag));
    return true;
  }

  /** Declares the exchange and the publishing channel, then every consumer's topology. */
  private async setup(model: ChannelModel): Promise<void> {
    this.model = model;
    coalesceWrites(model);
    const publisher = await model.createConfirmChannel();
    await publisher.assertExchange(this.exchange, 'topic', { durable: true });
    this.publisher = publisher;
    // A reconnect while closing restores publishing (for the handlers under way), not consuming.
    // Checked for each consumer: close may begin while this runs (one that starts then is cancelled at once).
    for (const consumer of this.consumers.values()) if (!this.stopping) await this.startConsumer(consumer, model);
    for (const work of this.workQueues.values()) if (!this.stopping) await this.startWorkConsumer(work, model);
    this.connected = true;
    this.options.logger.info(
      { exchange: this.exchange, queues: [...this.consumers.keys()], workQueues: [...this.workQueues.keys()] },
      'broker topology declared',
    );
  }

  private async startConsumer(consumer: Consumer, model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    const queue = consumer.broadcast
      ? await declareInstanceQueue(channel, this.exchange, consumer.types)
      : await declareQueues(channel, this.exchange, consumer.queue, consumer.types, this.options.retryDelayMs ?? 1_000);
    await channel.prefetch(this.options.prefetch ?? 32);
    const { consumerTag } = await channel.consume(queue, (delivery) => {
      if (!delivery) return;
      // A channel that closed mid-delivery (shutdown, lost connection) cannot take the ack; the
      // broker delivers the message again, and the handler is idempotent.
      this.track(
        this.deliver(channel, consumer, delivery).catch((error: unknown) => {
          const reqId = saneRequestId(delivery.properties.headers?.[REQUEST_ID_HEADER]);
          this.options.logger.warn(
            { ...(reqId && { reqId }), err: error, queue: consumer.queue },
            'delivery left unacknowledged; it will be redelivered',
          );
        }),
      );
    });
    this.consumingOn(consumer, channel, consumerTag);
  }

  private async deliver(channel: ConfirmChannel, consumer: Consumer, delivery: ConsumeMessage) {
    const queue = consumer.queue;
    const requestId = saneRequestId(delivery.properties.headers?.[REQUEST_ID_HEADER]);
    const log = this.options.logger;
    // Spread into the rare lines below; a child logger per delivery would cost every message.
    const traced = requestId ? { reqId: requestId } : {};
    let message: Envelope;
    try {
      message = envelope.parse(JSON.parse(delivery.content.toString('utf8'))) as Envelope;
    } catch (error) {
      if (consumer.broadcast) {
        log.error({ ...traced, queue, err: error }, 'unreadable message dropped');
        return channel.ack(delivery);
      }
      log.error({ ...traced, queue, err: error }, 'unreadable message parked');
      return this.moveAndAck(channel, delivery, `${queue}.dead`, { 'x-error': 'not a message envelope' });
    }
    // Copies of one message are handled one after another; a copy of a handled one is only acked.
    for (let first = consumer.running.get(message.id); first; first = consumer.running.get(message.id)) {
      await first.catch(() => undefined);
    }
    if (consumer.seen.has(message.id)) return channel.ack(delivery);
    if (this.givenBack(channel, delivery)) return;
    const handled = consumer.broadcast
      ? this.handleHere(channel, consumer, delivery, message, requestId)
      : this.handle(channel, consumer, delivery, message, requestId);
    consumer.running.set(message.id, handled);
    try {
      await handled;
    } finally {
      if (consumer.running.get(message.id) === handled) consumer.running.delete(message.id);
    }
  }

  /** Runs the handler; acknowledges on success, else moves the message to `.retry` or `.dead`. */
  private async handle(
    channel: ConfirmChannel,
    consumer: Consumer,
    delivery: ConsumeMessage,
    message: Envelope,
    requestId: string | undefined,
  ): Promise<void> {
    const queue = consumer.queue;
    const log = this.options.logger;
    const traced = requestId ? { reqId: requestId } : {};
    const attempt = Number(delivery.properties.headers?.[ATTEMPT_HEADER] ?? 1);
    try {
      await consumer.handler(message, requestId ? { requestId, attempt } : { attempt });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const parked = attempt >= (this.options.maxAttempts ?? 5);
      log.warn(
        { ...traced, queue, messageId: message.id, type: message.type, attempt, err: error },
        parked ? 'message parked' : 'message will be retried',
      );
      await this.moveAndAck(channel, delivery, parked ? `${queue}.dead` : `${queue}.retry`, {
        [ATTEMPT_HEADER]: attempt + 1,
        'x-error': reason.slice(0, 500),
      });
      return;
    }
    remember(consumer.seen, message.id);
    channel.ack(delivery);
  }

  /**
   * A broadcast delivery: its queue lives and dies with this connection and has no `.retry` or
   * `.dead` beside it, so a failing handler is retried here, after the same delay, and the message
   * is then dropped with an error in the log. Such handlers only update this instance's memory.
   */
  private async handleHere(
    channel: ConfirmChannel,
    consumer: Consumer,
    delivery: ConsumeMessage,
    message: Envelope,
    requestId: string | undefined,
  ): Promise<void> {
    const log = this.options.logger;
    const traced = requestId ? { reqId: requestId } : {};
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.handler(message, requestId ? { requestId, attempt } : { attempt });
        remember(consumer.seen, message.id);
        return channel.ack(delivery);
      } catch (error) {
        const dropped = attempt >= maxAttempts;
        const where = { ...traced, queue: consumer.queue, messageId: message.id, type: message.type, attempt };
        if (dropped) {
          log.error({ ...where, err: error }, 'broadcast message dropped');
          return channel.ack(delivery);
        }
        log.warn({ ...where, err: error }, 'broadcast message will be retried');
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 1_000));
      }
    }
  }

  /** Copies a delivery to another queue and acknowledges it once the broker has confirmed the copy. */
  private moveAndAck(
    channel: ConfirmChannel,
    delivery: ConsumeMessage,
    target: string,
    headers: Record<string, unknown>,
  ) {
    return this.sendThenAck(channel, delivery, target, delivery.content, {
      ...delivery.properties,
      persistent: true,
      headers: { ...delivery.properties.headers, ...headers },
    });
  }

  /** Sends `content` to `target` and acknowledges `delivery` once the broker has confirmed it. */
  private async sendThenAck(
    channel: ConfirmChannel,
    delivery: ConsumeMessage,
    target: string,
    content: Buffer,
    properties: Options.Publish,
  ) {
    try {
      await confirmed((done) => channel.sendToQueue(target, content, properties, done));
      channel.ack(delivery);
    } catch (error) {
      // Not moved: leave it to the broker to deliver again (its delivery limit bounds this).
      this.options.logger.error({ err: error, target }, 'could not move a message; it will be redelivered');
      channel.nack(delivery, false, true);
    }
  }

  /** A work queue's consumer, on a channel of its own: its prefetch is the queue's concurrency. */
  private async startWorkConsumer(work: WorkConsumer, model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    // A refused declaration (a 406: a queue declared before with other arguments) fails this call
    // alone; unheard, the channel's error would take the whole connection down with it.
    const refused = () => undefined;
    channel.on('error', refused);
    await declareWorkQueues(channel, work.queue, work.delaysMs, this.options.jobDeliveryLimit ?? 20);
    channel.off('error', refused);
    await channel.prefetch(work.concurrency);
    const { consumerTag } = await channel.consume(work.queue, (delivery) => {
      if (!delivery) return;
      this.track(
        this.deliverJob(channel, work, delivery).catch((error: unknown) => {
          this.options.logger.warn(
            { err: error, queue: work.queue },
            'job left unacknowledged; it will be redelivered',
          );
        }),
      );
    });
    this.consumingOn(work, channel, consumerTag);
  }

  private async deliverJob(channel: ConfirmChannel, work: WorkConsumer, delivery: ConsumeMessage) {
    const job = readJob(delivery.content);
    if (!job) {
      // No parse error in the log: its message quotes the content, and jobs hold webhook bodies.
      this.options.logger.error({ queue: work.queue }, 'unreadable job parked');
      return this.moveAndAck(channel, delivery, `${work.queue}.dead`, { 'x-error': 'not a job' });
    }
    for (let first = work.running.get(job.id); first; first = work.running.get(job.id)) {
      await first.catch(() => undefined);
    }
    if (this.givenBack(channel, delivery)) return;
    const handled = this.handleJob(channel, work, delivery, job);
    work.running.set(job.id, handled);
    try {
      await handled;
    } finally {
      if (work.running.get(job.id) === handled) work.running.delete(job.id);
    }
  }

  /**
   * Runs the handler: `done` acknowledges; `retry` sends the next copy to its delay queue and
   * acknowledges once the broker confirmed it; a throw gives the job back to the queue after a
   * pause (straight back, it would come round again at once), until the delivery limit parks it.
   * Logged: the queue, the job id and the outcome; never the job, which holds webhook bodies.
   */
  private async handleJob(channel: ConfirmChannel, work: WorkConsumer, delivery: ConsumeMessage, job: Job) {
    const log = this.options.logger;
    const where = { queue: work.queue, jobId: job.id };
    let outcome: JobOutcome;
    let target: string | undefined;
    try {
      outcome = await work.handler(job, { redelivered: delivery.fields.redelivered });
      if (outcome.kind === 'retry') target = delayQueue(work, outcome.delayMs);
    } catch (error) {
      log.warn({ ...where, err: error }, 'job handler failed; the job will be delivered again');
      await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 1_000));
      return channel.nack(delivery, false, true);
    }
    if (outcome.kind === 'done' || target === undefined) {
      log.debug({ ...where, outcome: 'done' }, 'job handled');
      return channel.ack(delivery);
    }
    log.debug({ ...where, outcome: 'retry', delayMs: outcome.delayMs }, 'job will be retried');
    await this.sendThenAck(channel, delivery, target, jobContent(outcome.job), jobProperties(outcome.job));
  }
}

/**
 * amqplib writes every frame (each ack, each publish) to the socket on its own, one system call
 * each; those calls were the largest cost of the consumers under load. Corking the socket until
 * the next tick sends all the frames of one tick in one write (Node's documented cork idiom).
 */
function coalesceWrites(model: ChannelModel): void {
  // amqplib keeps the socket as `connection.stream`; it is not typed, so it is checked here.
  const socket = (model as unknown as { connection?: { stream?: unknown } }).connection?.stream;
  if (!(socket instanceof Duplex)) return;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(...args);
  }) as typeof socket.write;
}

/** Whether `work` settled within `ms`; a rejection counts as settled. Nothing is cancelled past the limit. */
async function within(work: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(ms, 0))));
  const settled = (work ?? Promise.resolve()).then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the broker's confirm of one publish, and no longer than `CONFIRM_TIMEOUT_MS`. */
async function confirmed(publish: (done: (error: unknown) => void) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('the broker did not confirm the message in time')), CONFIRM_TIMEOUT_MS);
    publish((error) => (error ? reject(new Error('the broker refused the message')) : resolve()));
  }).finally(() => clearTimeout(timer));
}

const jobContent = (job: Job) => Buffer.from(JSON.stringify(job));
const jobProperties = (job: Job): Options.Publish => ({
  persistent: true,
  messageId: job.id,
  contentType: 'application/json',
});

/** A delivery's job, or undefined when it is not JSON with a string `id`. */
function readJob(content: Buffer): Job | undefined {
  try {
    const job: unknown = JSON.parse(content.toString('utf8'));
    if (typeof job === 'object' && job !== null && typeof (job as { id?: unknown }).id === 'string') return job as Job;
  } catch {
    // Falls through: unreadable.
  }
  return undefined;
}

/** The queue a job waits `delayMs` in; only the delays the queue was declared with have one. */
function delayQueue(work: { queue: string; delaysMs: ReadonlySet<number> }, delayMs: number): string {
  if (!work.delaysMs.has(delayMs)) {
    throw new Error(
      `the work queue ${work.queue} has no delay of ${delayMs} ms (declared: ${[...work.delaysMs].join(', ')})`,
    );
  }
  return `${work.queue}.delay.${delayMs}`;
}

function remember(seen: Set<string>, id: string): void {
  seen.add(id);
  if (seen.size > SEEN_IDS_KEPT) seen.delete(seen.values().next().value!);
}

/**
 * A consuming service's queues: the quorum queue bound to its message types, `.retry` whose
 * TTL returns messages to it after a delay, and `.dead` where messages are parked.
 */
async function declareQueues(
  channel: ConfirmChannel,
  exchange: string,
  queue: string,
  types: readonly string[],
  retryDelayMs: number,
) {
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(`${queue}.dead`, { durable: true });
  await channel.assertQueue(`${queue}.retry`, {
    durable: true,
    arguments: { 'x-message-ttl': retryDelayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
  });
  await channel.assertQueue(queue, { durable: true, arguments: consumedQueueArguments(queue, 20) });
  for (const type of types) await channel.bindQueue(queue, exchange, type);
  return queue;
}

/** The arguments of a consumed queue: quorum, with a delivery limit past which it parks messages in `.dead`. */
const consumedQueueArguments = (queue: string, deliveryLimit: number) => ({
  'x-queue-type': 'quorum',
  // RabbitMQ 3.10 sets no limit by default: a message that crashes its consumer every time
  // would be redelivered forever. Past the limit it is dead-lettered, at least once.
  'x-delivery-limit': deliveryLimit,
  'x-dead-letter-exchange': '',
  'x-dead-letter-routing-key': `${queue}.dead`,
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
});

/**
 * A work queue (not bound to the exchange: jobs come through the default exchange), its `.dead`,
 * and one delay queue per wait, named by it: their TTLs cannot change once declared (a 406), so a
 * new schedule makes new queues. Quorum, with at-least-once dead-lettering back to the work queue:
 * a classic queue's dead-lettering is at most once and lost jobs across a broker restart.
 */
async function declareWorkQueues(
  channel: ConfirmChannel,
  queue: string,
  delaysMs: ReadonlySet<number>,
  deliveryLimit: number,
) {
  await channel.assertQueue(`${queue}.dead`, { durable: true });
  await channel.assertQueue(queue, { durable: true, arguments: consumedQueueArguments(queue, deliveryLimit) });
  for (const delayMs of delaysMs) {
    await channel.assertQueue(`${queue}.delay.${delayMs}`, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
  }
}

/**
 * A broadcast subscription's queue: this connection's own, named by the broker, bound to the
 * types. Exclusive and auto-delete, so it goes away with the connection; a classic queue (a
 * quorum queue cannot be exclusive) holding nothing worth keeping past this instance.
 */
async function declareInstanceQueue(channel: ConfirmChannel, exchange: string, types: readonly string[]) {
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', {
    exclusive: true,
    autoDelete: true,
    durable: false,
    arguments: { 'x-queue-type': 'classic' },
  });
  for (const type of types) await channel.bindQueue(queue, exchange, type);
  return queue;
}
