import type { StoredSecret } from '@slotkeeper/auth';

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

/** The user service's one persistence port. */
export interface UserRepository {
  /** Throws DuplicateEmailError when the email is taken. */
  create(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
}
