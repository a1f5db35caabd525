import { DuplicateEmailError } from '@slotkeeper/errors';
import { duplicateKeyIndex, inTransaction, modelOn, MongoOutbox, mongoose, schemaOptions } from '@slotkeeper/mongo';
import type { Connection } from 'mongoose';
import type { ApiKeyRotation, NewUser, User, UserChanges, UserRepository } from '../../domain/user.js';
import { apiKeyRotatedMessage } from '../user-messages.js';

const userSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
    timezone: { type: String, required: true },
    created_at: { type: Date, required: true },
    // A nested path: the salt and the salted hash of the api key, never the key.
    api_key: { salt: { type: String, required: true }, hash: { type: String, required: true } },
  },
  { ...schemaOptions, collection: 'users' },
);
/** Named, so an E11000 on it (a taken email) is told apart from one on `_id_` (an id collision). */
const EMAIL_INDEX = 'email_1';
userSchema.index({ email: 1 }, { unique: true, name: EMAIL_INDEX });
type UserDoc = mongoose.InferSchemaType<typeof userSchema>;

const toDoc = (user: NewUser): UserDoc => ({
  _id: user.id,
  name: user.name,
  email: user.email,
  timezone: user.timezone,
  created_at: user.createdAt,
  api_key: user.apiKey,
});

const toUser = (doc: UserDoc): User => ({
  id: doc._id,
  name: doc.name,
  email: doc.email,
  timezone: doc.timezone,
  createdAt: doc.created_at,
  // Users stored before api keys existed have none: an empty hash that no key matches.
  apiKey: { salt: doc.api_key?.salt ?? '', hash: doc.api_key?.hash ?? '' },
});

export class MongoUserRepository implements UserRepository {
  private readonly model: mongoose.Model<UserDoc>;
  /** ApiKeyRotated messages, written in the transaction that replaces the key; the relay reads it. */
  readonly outbox: MongoOutbox;

  constructor(private readonly connection: Connection) {
    this.model = modelOn(connection, 'User', userSchema);
    this.outbox = new MongoOutbox(connection, 'user_outbox');
  }

  /** Builds the unique email index (and the outbox's) before the first write can race it. */
  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.outbox.init()]);
  }

  async create(input: NewUser): Promise<User> {
    const doc = toDoc(input);
    try {
      await this.model.create(doc);
    } catch (error) {
      if (duplicateKeyIndex(error) === EMAIL_INDEX) throw new DuplicateEmailError(input.email);
      throw error;
    }
    return toUser(doc);
  }

  async findById(id: string): Promise<User | null> {
    const doc = await this.model.findById(id).lean<UserDoc>();
    return doc ? toUser(doc) : null;
  }

  /** One atomic update of the named fields, answering the document as it is after it. */
  async update(id: string, changes: UserChanges): Promise<User | null> {
    const $set = {
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.timezone !== undefined && { timezone: changes.timezone }),
    };
    if (Object.keys($set).length === 0) return this.findById(id);
    const doc = await this.model.findOneAndUpdate({ _id: id }, { $set }, { returnDocument: 'after' }).lean<UserDoc>();
    return doc ? toUser(doc) : null;
  }

  async replaceApiKey(rotation: ApiKeyRotation, requestId?: string): Promise<boolean> {
    // Built once, outside the transaction: a retried attempt writes the same message id.
    const message = apiKeyRotatedMessage(rotation);
    return inTransaction(this.connection, async (session) => {
      const result = await this.model.updateOne(
        { _id: rotation.userId },
        { $set: { api_key: { salt: rotation.apiKey.salt, hash: rotation.apiKey.hash } } },
        { session },
      );
      if (result.matchedCount === 0) return false;
      await this.outbox.add(rotation.userId, [message], session, requestId);
      return true;
    });
  }
}
