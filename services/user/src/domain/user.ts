/** What is kept of an api key: a salt and the salted hash, never the key itself. */
export interface StoredSecret {
  salt: string;
  hash: string;
}

export interface User {
  id: string;
  name: string;
  /** Lower-cased; unique across users. */
  email: string;
  timezone: string;
  createdAt: Date;
  /** The salted hash of the user's api key; the key itself is never stored. */
  apiKey: StoredSecret;
}

export type NewUser = Omit<User, 'id'> & { id: string };

/** A user as asked for: the use case adds the id, the creation time and the api key. */
export type UserInput = Pick<User, 'name' | 'email' | 'timezone'>;

/** What a user may change of themself; a field left out stays as it is. */
export interface UserChanges {
  name?: string | undefined;
  timezone?: string | undefined;
}

/** A user's api key replaced: the new key's salted hash, announced (ApiKeyRotated) with the write. */
export interface ApiKeyRotation {
  userId: string;
  apiKey: StoredSecret;
  at: Date;
}

/** The user service's one persistence port. */
export interface UserRepository {
  /** Throws DuplicateEmailError when the email is taken. */
  create(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  /** Applies the changes in one write and returns the user as it now is; null for an unknown id. */
  update(id: string, changes: UserChanges): Promise<User | null>;
  /**
   * Replaces the stored key and writes ApiKeyRotated to the outbox in the same atomic write
   * (both or neither); false, and nothing written, for an unknown id. `requestId`: the request
   * that caused it, published with the message.
   */
  replaceApiKey(rotation: ApiKeyRotation, requestId?: string): Promise<boolean>;
}

/** What use cases call after a write: publish what the write left in the outbox (never throws). */
export interface OutboxPublisher {
  flush(aggregateId: string): Promise<void>;
}

/** Api keys: shown once when issued, kept only as a salted hash (a port: this is cryptography). */
export interface ApiKeys {
  issue(userId: string): { token: string; stored: StoredSecret };
  /** The user an api key names; null for anything that is not an api key. */
  idOf(apiKey: string): string | null;
  /** Whether the key's secret is the one stored. */
  matches(apiKey: string, stored: StoredSecret): boolean;
}
