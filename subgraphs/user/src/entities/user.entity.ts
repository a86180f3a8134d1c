import { EntitySchema } from '@mikro-orm/postgresql';
import { newId, type Role } from '@marketplace/platform';

/** A registered account. The password hash never leaves this service. */
export class User {
  id: string = newId();
  email: string;
  passwordHash: string;
  fullName: string;
  city: string | null;
  /** ISO date (`YYYY-MM-DD`). */
  birthDate: string | null;
  /** Default: `CUSTOMER`. */
  role: Role = 'CUSTOMER';
  createdAt: Date = new Date();

  constructor(
    email: string,
    passwordHash: string,
    fullName: string,
    city: string | null,
    birthDate: string | null,
  ) {
    this.email = email;
    this.passwordHash = passwordHash;
    this.fullName = fullName;
    this.city = city;
    this.birthDate = birthDate;
  }
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'users',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'string', length: 254, unique: 'users_email_unique' },
    passwordHash: { type: 'string', length: 255, hidden: true, lazy: true },
    fullName: { type: 'string', length: 100 },
    city: { type: 'string', length: 100, nullable: true },
    birthDate: { type: 'date', nullable: true },
    role: { enum: true, items: ['CUSTOMER', 'ADMIN'], default: 'CUSTOMER' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
  },
});
