import { isDeepStrictEqual } from 'node:util';
import { mongoose } from '@slotkeeper/mongo';
import { afterEach, beforeEach, expect } from 'vitest';

const { mongo } = mongoose;
type ClientSession = mongoose.mongo.ClientSession;
type Doc = Record<string, unknown>;

/** One call mongoose made on the driver (or a session event), as the driver received it. */
export interface RecordedCommand {
  /** The collection's name; `$db` for database calls, `$admin` for admin commands, `$session` for session events. */
  collection: string;
  /** The driver method (`insertOne`, `find`, `createIndex`, `command`, ...) or the session event. */
  method: string;
  /** What mongoose passed to the driver, copied at call time; an options' `session` is its number. */
  args: unknown[];
  /** The recorded session (1, 2, ...) the call ran in. */
  session?: number;
  /** Whether that session had a transaction open at the time. */
  inTransaction?: boolean;
}

export type SessionEvent = 'start' | 'startTransaction' | 'commitTransaction' | 'abortTransaction' | 'end';

export interface IndexSpec {
  collection: string;
  key: Record<string, unknown>;
  options: Record<string, unknown>;
}

export interface MongoRecorder {
  /** A mongoose connection reporting readyState 1 whose driver never touches the network. */
  connection: mongoose.Connection;
  /** Every driver call and session event, in order. */
  commands: RecordedCommand[];
  sessionEvents: Array<{ session: number; event: SessionEvent }>;
  /**
   * Scripts the answer of the next call of `method` on `collection` (FIFO per pair): a value, a
   * function of the recorded args, or an Error to throw. For cursor methods (find, aggregate,
   * listIndexes, listCollections) the value is the documents array. `$session`/`commitTransaction`
   * scripts a commit failure.
   */
  answer(collection: string, method: string, result: unknown | ((...args: unknown[]) => unknown)): void;
  /** Commands of one collection (and method); without a method, the index management ones are left out. */
  on(collection: string, method?: string): RecordedCommand[];
  /** The index specs asked for through createIndex(es), such as Model.init() builds. */
  indexes(): IndexSpec[];
  /** Forgets commands, session events and unused answers; index specs stay (Model.init() runs once per model). */
  clear(): void;
  close(): Promise<void>;
}

const INDEX_METHODS = new Set(['createIndex', 'createIndexes', 'listIndexes', 'dropIndex', 'dropIndexes']);
const CURSOR_METHODS = new Set(['find', 'aggregate', 'listIndexes', 'listSearchIndexes', 'listCollections']);
const WRITTEN = { acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null };

/**
 * A mongoose connection over a real, never connected MongoClient whose collection, database,
 * admin and session methods are replaced, on this client's objects only, by recording ones.
 * Anything else that would need a server fails at once instead of dialling out.
 */
export async function mongoRecorder(dbName = 'test'): Promise<MongoRecorder> {
  const commands: RecordedCommand[] = [];
  const sessionEvents: MongoRecorder['sessionEvents'] = [];
  const specs: IndexSpec[] = [];
  const scripts = new Map<string, unknown[]>();
  const sessions = new WeakMap<ClientSession, number>();
  let sessionCount = 0;

  // Port 9 discards: were anything to bypass the recording methods, it could not reach a server.
  const client = new mongo.MongoClient(`mongodb://127.0.0.1:9/${dbName}`, { serverSelectionTimeoutMS: 50 });
  client.connect = () => Promise.reject(new Error('mongoRecorder: this call is not recorded and would need a server'));

  const snapshot = (value: unknown): unknown => {
    if (value instanceof mongo.ClientSession) return sessions.get(value);
    // mongoose hands the driver subdocuments and arrays of its own; BSON serializes them through
    // toBSON(), and so is what the server receives recorded.
    if (hasToBSON(value)) return snapshot(value.toBSON());
    if (Array.isArray(value)) return value.map(snapshot);
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, snapshot(inner)]));
  };

  const record = (collection: string, method: string, args: unknown[]): RecordedCommand => {
    const command: RecordedCommand = { collection, method, args: args.map(snapshot) };
    const session = args.map((arg) => (isPlainObject(arg) ? arg.session : undefined)).find(isSession);
    if (session) Object.assign(command, { session: sessions.get(session), inTransaction: session.inTransaction() });
    commands.push(command);
    if (method === 'createIndex') specs.push(indexSpec(collection, args[0], args[1]));
    if (method === 'createIndexes')
      specs.push(...(args[0] as Doc[]).map(({ key, ...options }) => indexSpec(collection, key, options)));
    return command;
  };

  /** The scripted answer of this call, taken now so answers follow the order of the calls. */
  const take = (collection: string, method: string, args: unknown[], fallback: () => unknown) => {
    const queue = scripts.get(`${collection}.${method}`);
    if (!queue?.length) return async () => fallback();
    const scripted = queue.shift();
    return async () => {
      if (scripted instanceof Error) throw scripted;
      return typeof scripted === 'function' ? (scripted as (...a: unknown[]) => unknown)(...args) : scripted;
    };
  };

  const call = (collection: string, method: string, args: unknown[], fallback: (args: unknown[]) => unknown) => {
    const command = record(collection, method, args);
    if (!CURSOR_METHODS.has(method)) return take(collection, method, command.args, () => fallback(command.args))();
    const settle = take(collection, method, command.args, () => []);
    return new RecordedCursor(
      settle().then((docs) => {
        if (!Array.isArray(docs)) throw new TypeError(`mongoRecorder: ${collection}.${method} answers an array`);
        return docs as unknown[];
      }),
    );
  };

  const collections = new Map<string, mongoose.mongo.Collection>();
  const recordingCollection = (db: mongoose.mongo.Db, name: string) => {
    let collection = collections.get(`${db.databaseName}.${name}`);
    if (!collection) {
      collection = mongo.Db.prototype.collection.call(db, name);
      replaceMethods(
        collection,
        mongo.Collection.prototype,
        (method) =>
          (...args) =>
            call(name, method, args, (recorded) => collectionDefault(name, method, recorded)),
      );
      collections.set(`${db.databaseName}.${name}`, collection);
    }
    return collection;
  };

  const dbs = new Map<string, mongoose.mongo.Db>();
  client.db = (name = dbName) => {
    let db = dbs.get(name);
    if (!db) {
      const created = mongo.MongoClient.prototype.db.call(client, name);
      replaceMethods(
        created,
        mongo.Db.prototype,
        (method) =>
          (...args) =>
            call('$db', method, args, (recorded) =>
              method === 'createCollection'
                ? recordingCollection(created, String(recorded[0]))
                : dbDefault(method, recorded),
            ),
      );
      const admin = mongo.Db.prototype.admin.call(created);
      // ping, buildInfo and replSetGetStatus go through command(); the rest would dial out and fail.
      admin.command = ((...args: unknown[]) =>
        call('$admin', 'command', args, (recorded) => dbDefault('command', recorded))) as typeof admin.command;
      Object.assign(created, { collection: (n: string) => recordingCollection(created, n), admin: () => admin });
      dbs.set(name, (db = created));
    }
    return db;
  };

  const sessionEvent = (session: ClientSession, event: SessionEvent) => {
    const number = sessions.get(session)!;
    sessionEvents.push({ session: number, event });
    commands.push({
      collection: '$session',
      method: event,
      args: [],
      session: number,
      inTransaction: session.inTransaction(),
    });
  };
  const driverSession = mongo.ClientSession.prototype;
  client.startSession = (options) => {
    const session = mongo.MongoClient.prototype.startSession.call(client, options);
    sessions.set(session, ++sessionCount);
    sessionEvent(session, 'start');
    // Recorded ops never reach the driver, so a transaction stays "starting" and the driver's own
    // commit, abort and withTransaction (retries included) run locally.
    session.startTransaction = (transactionOptions) => {
      driverSession.startTransaction.call(session, transactionOptions);
      sessionEvent(session, 'startTransaction');
    };
    session.commitTransaction = async () => {
      sessionEvent(session, 'commitTransaction');
      const settle = take('$session', 'commitTransaction', [], () => undefined);
      await driverSession.commitTransaction.call(session);
      await settle();
    };
    session.abortTransaction = async () => {
      sessionEvent(session, 'abortTransaction');
      await driverSession.abortTransaction.call(session);
    };
    session.endSession = async (endOptions) => {
      if (!session.hasEnded) sessionEvent(session, 'end');
      await driverSession.endSession.call(session, endOptions);
    };
    return session;
  };

  const connection = mongoose.createConnection();
  connection.set('bufferCommands', false);
  // setClient() accepts only a connected client: this one shows a stand-in topology for that check only.
  const shown = client as unknown as { topology?: object };
  shown.topology = {};
  try {
    connection.setClient(client);
  } finally {
    delete shown.topology;
  }

  return {
    connection,
    commands,
    sessionEvents,
    answer(collection, method, result) {
      const key = `${collection}.${method}`;
      scripts.set(key, [...(scripts.get(key) ?? []), result]);
    },
    on: (collection, method) =>
      commands.filter(
        (c) => c.collection === collection && (method ? c.method === method : !INDEX_METHODS.has(c.method)),
      ),
    indexes: () => specs.map((spec) => ({ ...spec })),
    clear() {
      commands.length = 0;
      sessionEvents.length = 0;
      scripts.clear();
    },
    close: () => connection.close(),
  };
}

/** A query as an index sees it: equality fields, then the sort, then range fields (the ESR rule). */
export interface QueryShape {
  /** Fields matched by a value, `$eq` or `$in`, in any order. */
  equality: string[];
  sort?: Record<string, number>;
  /** Fields matched by `$gt`, `$lt`, `$ne` and the like. */
  range?: string[];
  /** The filter itself, when known: a partial index serves only queries whose filter implies its own. */
  filter?: Record<string, unknown>;
}

/** Where each command keeps its options (and so its sort); its filter is the first argument. */
const OPTIONS_AT: Record<string, number> = {
  find: 1,
  findOne: 1,
  countDocuments: 1,
  deleteOne: 1,
  deleteMany: 1,
  findOneAndDelete: 1,
  updateOne: 2,
  updateMany: 2,
  replaceOne: 2,
  findOneAndUpdate: 2,
  findOneAndReplace: 2,
};

/** The shape of a recorded query: its filter and sort, or an aggregation's leading $match and $sort. */
export function queryShape(command: RecordedCommand): QueryShape {
  let filter: unknown;
  let sort: unknown;
  if (command.method === 'aggregate') {
    const [first, second] = command.args[0] as Doc[];
    filter = first?.$match ?? {};
    sort = (first?.$match ? second : first)?.$sort;
  } else if (command.method in OPTIONS_AT) {
    filter = command.args[0] ?? {};
    sort = (command.args[OPTIONS_AT[command.method]!] as Doc | undefined)?.sort;
  } else {
    throw new Error(`queryShape: ${command.method} is not a query`);
  }
  const shape = { equality: [], sort: { ...(sort as Record<string, number>) }, range: [], filter: filter as Doc };
  addConditions(shape, filter as Doc);
  return shape;
}

function addConditions(shape: Required<Omit<QueryShape, 'filter'>>, filter: Doc): void {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and') (condition as Doc[]).forEach((part) => addConditions(shape, part));
    else if (field.startsWith('$')) throw new Error(`queryShape: ${field} filters are not analysed`);
    else if (!isPlainObject(condition) || !Object.keys(condition).some((key) => key.startsWith('$')))
      shape.equality.push(field);
    else if (Object.keys(condition).every((op) => op === '$eq' || op === '$in')) shape.equality.push(field);
    else shape.range.push(field);
  }
}

/**
 * The declared index that serves a query (a recorded command, or a shape), if any: its key's
 * prefix holds the equality fields, then the sort fields in order (all directions equal or all
 * reversed), then the range fields. A partial index serves only a filter that implies its
 * partialFilterExpression, and the fields that expression fixes need no place in the key.
 * Every collection also has the implicit `_id_` index.
 */
export function servedBy(query: RecordedCommand | QueryShape, indexes: readonly IndexSpec[]): IndexSpec | undefined {
  const shape = 'method' in query ? queryShape(query) : query;
  const candidates =
    'method' in query ? indexes.filter((index) => index.collection === query.collection) : [...indexes];
  const collection = 'method' in query ? query.collection : '';
  candidates.push({ collection, key: { _id: 1 }, options: { name: '_id_', unique: true } });
  return candidates.find((index) => {
    const partial = index.options.partialFilterExpression as Doc | undefined;
    if (!partial) return serves(Object.entries(index.key), shape);
    if (!shape.filter || !implies(shape.filter, partial)) return false;
    const fixed = Object.keys(partial).filter(
      (field) => !isOperators(partial[field]) || isOperators(partial[field], ['$eq']),
    );
    return serves(Object.entries(index.key), { ...shape, equality: shape.equality.filter((f) => !fixed.includes(f)) });
  });
}

function serves(key: Array<[string, unknown]>, shape: QueryShape): boolean {
  const equality = new Set(shape.equality);
  const sort = Object.entries(shape.sort ?? {}).filter(([field]) => !equality.has(field));
  const range = (shape.range ?? []).filter((f) => !equality.has(f) && !sort.some(([s]) => s === f));
  if (equality.size + sort.length + range.length === 0) return false;
  const fields = key.map(([field]) => field);
  if (fields.length < equality.size + sort.length + range.length) return false;
  if (!fields.slice(0, equality.size).every((field) => equality.has(field))) return false;
  const sorted = key.slice(equality.size, equality.size + sort.length);
  const direction = (i: number) => Math.sign(Number(sorted[i]![1])) * Math.sign(sort[i]![1]);
  if (!sorted.every(([field], i) => field === sort[i]![0] && direction(i) === direction(0))) return false;
  const after = new Set(fields.slice(equality.size + sort.length, equality.size + sort.length + range.length));
  return range.every((field) => after.has(field));
}

/** Whether every document `filter` matches also matches `partial` (the simple cases partial indexes use). */
function implies(filter: Doc, partial: Doc): boolean {
  return Object.entries(partial).every(([field, wanted]) => {
    if (field === '$and') return (wanted as Doc[]).every((part) => implies(filter, part));
    const given = filter[field];
    if (isDeepStrictEqual(given, wanted)) return true;
    // The query pins the field to a value: check that value against the partial's condition.
    const value = isOperators(given, ['$eq']) ? (given as Doc).$eq : given;
    if (value === undefined || isOperators(value)) return false;
    if (!isOperators(wanted)) return isDeepStrictEqual(value, wanted);
    return Object.entries(wanted as Doc).every(([op, operand]) => satisfies(value, op, operand));
  });
}

const BSON_TYPES: Record<string, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  objectId: (v) => v instanceof mongo.ObjectId,
};

function satisfies(value: unknown, op: string, operand: unknown): boolean {
  switch (op) {
    case '$eq':
      return isDeepStrictEqual(value, operand);
    case '$exists':
      return operand === (value !== undefined);
    case '$type':
      return BSON_TYPES[String(operand)]?.(value) ?? false;
    case '$gt':
      return compare(value, operand) > 0;
    case '$gte':
      return compare(value, operand) >= 0;
    case '$lt':
      return compare(value, operand) < 0;
    case '$lte':
      return compare(value, operand) <= 0;
  }
  return false;
}

/** Orders two numbers, strings or dates; NaN (no order, every comparison false) for anything else. */
function compare(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return NaN;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** Whether a condition is an operator object (`{ $gt: 1 }`), optionally of those operators only. */
function isOperators(condition: unknown, only?: string[]): boolean {
  if (!isPlainObject(condition)) return false;
  const keys = Object.keys(condition);
  return keys.length > 0 && keys.every((key) => key.startsWith('$') && (!only || only.includes(key)));
}

/** An error as the server reports it (a MongoServerError), e.g. to script with answer(). */
export function mongoServerError(fields: {
  code: number;
  codeName?: string;
  errmsg?: string;
  errorLabels?: string[];
  [field: string]: unknown;
}): mongoose.mongo.MongoServerError {
  return new mongo.MongoServerError({ errmsg: fields.codeName ?? `error ${fields.code}`, ...fields });
}

/** The WriteConflict a concurrent transaction causes; withTransaction runs its callback again. */
export const writeConflict = () =>
  mongoServerError({
    code: 112,
    codeName: 'WriteConflict',
    errmsg: 'WriteConflict error: this operation conflicted with another operation. Please retry your operation.',
    errorLabels: ['TransientTransactionError'],
  });

/** The E11000 the server answers when a write hits the unique index `index` (`email_1`, `_id_`). */
export function duplicateKeyError(ns: string, index: string, keyValue: Record<string, unknown>) {
  const dupKey = Object.entries(keyValue).map(([field, value]) => `${field}: ${JSON.stringify(value)}`);
  return mongoServerError({
    code: 11000,
    errmsg: `E11000 duplicate key error collection: ${ns} index: ${index} dup key: { ${dupKey.join(', ')} }`,
    keyPattern: Object.fromEntries(Object.keys(keyValue).map((field) => [field, 1])),
    keyValue,
  });
}

/** Serves a scripted documents array the way mongoose reads a driver cursor. */
class RecordedCursor {
  private docs: unknown[] | undefined;
  private position = 0;
  closed = false;

  constructor(private readonly source: Promise<unknown[]>) {
    // A cursor nobody reads must not turn a scripted error into an unhandled rejection.
    source.catch(() => undefined);
  }

  private async load(): Promise<unknown[]> {
    return (this.docs ??= [...(await this.source)]);
  }
  async toArray(): Promise<unknown[]> {
    const docs = await this.load();
    const rest = docs.slice(this.position);
    this.position = docs.length;
    return rest;
  }
  async next(): Promise<unknown> {
    const docs = await this.load();
    return this.position < docs.length ? docs[this.position++] : null;
  }
  tryNext(): Promise<unknown> {
    return this.next();
  }
  async hasNext(): Promise<boolean> {
    return this.position < (await this.load()).length;
  }
  rewind(): void {
    this.position = 0;
  }
  addCursorFlag(): this {
    return this;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    for (let doc = await this.next(); doc !== null; doc = await this.next()) yield doc;
  }
}

function collectionDefault(collection: string, method: string, args: unknown[]): unknown {
  const options = (args.findLast(isPlainObject) ?? {}) as Doc;
  switch (method) {
    case 'insertOne':
      return { acknowledged: true, insertedId: idOf(args[0]) };
    case 'insertMany': {
      const docs = args[0] as unknown[];
      return { acknowledged: true, insertedCount: docs.length, insertedIds: { ...docs.map(idOf) } };
    }
    case 'updateOne':
    case 'updateMany':
    case 'replaceOne':
      return { ...WRITTEN };
    case 'deleteOne':
    case 'deleteMany':
      return { acknowledged: true, deletedCount: 1 };
    case 'findOne':
      return null;
    case 'findOneAndUpdate':
    case 'findOneAndReplace':
    case 'findOneAndDelete':
      return options.includeResultMetadata ? { ok: 1, value: null, lastErrorObject: { n: 0 } } : null;
    case 'countDocuments':
    case 'estimatedDocumentCount':
      return 0;
    case 'distinct':
      return [];
    case 'bulkWrite':
      return bulkWriteResult(args[0] as Doc[]);
    case 'createIndex':
      return indexSpec(collection, args[0], args[1]).options.name;
    case 'createIndexes':
      return (args[0] as Doc[]).map(({ key, ...rest }) => indexSpec(collection, key, rest).options.name);
    case 'dropIndex':
    case 'dropIndexes':
      return { ok: 1 };
    case 'drop':
      return true;
  }
  throw new Error(`mongoRecorder: no default answer for ${collection}.${method}(); script one with answer()`);
}

function dbDefault(method: string, args: unknown[]): unknown {
  switch (method) {
    case 'command': {
      const command = (args[0] ?? {}) as Doc;
      const hello = 'hello' in command || 'isMaster' in command || 'ismaster' in command;
      return hello ? { ok: 1, isWritablePrimary: true, setName: 'rs0' } : { ok: 1 };
    }
    case 'dropCollection':
    case 'dropDatabase':
      return true;
  }
  throw new Error(`mongoRecorder: no default answer for db.${method}(); script one with answer('$db', ...)`);
}

function bulkWriteResult(operations: Doc[]) {
  const counts = { insertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedCount: 0 };
  for (const operation of operations) {
    const kind = Object.keys(operation)[0] ?? '';
    if (kind === 'insertOne') counts.insertedCount++;
    else if (kind.startsWith('delete')) counts.deletedCount++;
    else {
      counts.matchedCount++;
      counts.modifiedCount++;
    }
  }
  return { ok: 1, ...counts, insertedIds: {}, upsertedIds: {} };
}

/** An index spec with its name: the given one, else the server's default (`email_1`, `user_id_1_created_at_1`). */
function indexSpec(collection: string, key: unknown, options: unknown): IndexSpec {
  const keys = (typeof key === 'string' ? { [key]: 1 } : key) as Record<string, unknown>;
  const given = { ...(options as Doc | undefined) };
  delete given.session;
  return {
    collection,
    key: { ...keys },
    options: { ...given, name: given.name ?? Object.entries(keys).flat().join('_') },
  };
}

const idOf = (doc: unknown) => (isPlainObject(doc) && doc._id !== undefined ? doc._id : new mongo.ObjectId());

function replaceMethods<T extends object>(
  target: T,
  prototype: object,
  recorder: (method: string) => (...args: unknown[]) => unknown,
) {
  for (const method of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
    if (method === 'constructor' || typeof descriptor?.value !== 'function') continue;
    Object.defineProperty(target, method, { value: recorder(method), writable: true, configurable: true });
  }
}

function isPlainObject(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

const isSession = (value: unknown): value is ClientSession => value instanceof mongo.ClientSession;

const hasToBSON = (value: unknown): value is { toBSON(): unknown } =>
  typeof value === 'object' && value !== null && typeof (value as { toBSON?: unknown }).toBSON === 'function';

/**
 * Gives each test a fresh recorder and a repository built on it, initialised (with `clear`, its
 * index commands forgotten), and closes the recorder after the test. What it returns stands for
 * the current test's recorder and repository, so a file can name them once at the top.
 */
export function useMongoRecorder<R extends object & { init(): Promise<void> }>(
  build: (connection: mongoose.Connection) => R,
  { clear = false }: { clear?: boolean } = {},
): { rec: MongoRecorder; repository: R } {
  let current: { rec: MongoRecorder; repository: R } | undefined;
  beforeEach(async () => {
    const rec = await mongoRecorder();
    const repository = build(rec.connection);
    await repository.init();
    if (clear) rec.clear();
    current = { rec, repository };
  });
  afterEach(() => current?.rec.close());
  const live = <T extends object>(pick: (now: { rec: MongoRecorder; repository: R }) => T): T =>
    new Proxy({} as T, {
      get(_, key) {
        if (!current) throw new Error('useMongoRecorder: used outside a test');
        const target = pick(current);
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  return { rec: live((now) => now.rec), repository: live((now) => now.repository) };
}

/** The one command of `commands`; fails the test when there is not exactly one. */
export const onlyCommand = (commands: RecordedCommand[]): RecordedCommand => {
  expect(commands).toHaveLength(1);
  return commands[0]!;
};
