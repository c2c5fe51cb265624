import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';
import type { Role } from '@wsb/kernel';

/** A user's profile. The id is the auth subgraph's credential id, so it is given, never generated. */
export class User {
  [OptionalProps]?: 'role' | 'createdAt' | 'updatedAt';
  id!: string;
  /** Lower-case; the auth subgraph normalizes it before it gets here. */
  email!: string;
  name!: string;
  role: Role = 'MEMBER';
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  // `user` is a reserved word in PostgreSQL.
  tableName: 'user_profile',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'string', length: 254, unique: true },
    name: { type: 'string', length: 100 },
    role: { type: 'string', length: 10 },
    createdAt: { type: 'datetime', length: 3 },
    updatedAt: { type: 'datetime', length: 3, onUpdate: () => new Date() },
  },
});
