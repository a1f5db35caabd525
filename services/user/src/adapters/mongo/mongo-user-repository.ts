import { DuplicateEmailError } from '@slotkeeper/errors';
import { duplicateKeyIndex, modelOn, mongoose, schemaOptions } from '@slotkeeper/mongo';
import type { Connection } from 'mongoose';
import type { NewUser, User, UserRepository } from '../../domain/user.js';

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

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'User', userSchema);
  }

  /** Builds the unique email index before the first write can race it. */
  async init(): Promise<void> {
    await this.model.init();
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
}
