export interface User {
  id: string;
  name: string;
  /** Lower-cased; unique across users. */
  email: string;
  timezone: string;
  createdAt: Date;
}

export type NewUser = Omit<User, 'id'>;

/** The user service's one persistence port. */
export interface UserRepository {
  /** Throws DuplicateEmailError when the email is taken. */
  create(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
}
