import { EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';

/** A user's shopping cart: one per user, created the first time it is needed. */
export class Cart {
  id: string = newId();
  /** The owner (a user id of the user subgraph); unique. */
  userId: string;
  createdAt: Date = new Date();
  /** Bumped on every change to the cart's items. */
  updatedAt: Date = new Date();

  constructor(userId: string) {
    this.userId = userId;
  }
}

export const CartSchema = new EntitySchema<Cart>({
  class: Cart,
  tableName: 'carts',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid', unique: 'carts_user_id_unique' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
    updatedAt: {
      type: 'datetime',
      columnType: 'timestamptz',
      defaultRaw: 'now()',
      onUpdate: () => new Date(),
    },
  },
});
