import { BigIntType, EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';

/**
 * A user's prepaid balance; one per user, opened lazily. The balance only changes together with a
 * {@link WalletTransaction} row, under a row lock (see `WalletService`).
 */
export class Wallet {
  id: string = newId();
  userId: string;
  /** Minor units. Never negative: a database check refuses it. Default 0. */
  balanceAmount = 0;
  /** ISO 4217 code, fixed when the wallet opens. */
  currency: string;
  createdAt: Date = new Date();
  /** The time of the latest balance change (or the opening); ledger lines are stamped after it. */
  updatedAt: Date = new Date();

  constructor(userId: string, currency: string) {
    this.userId = userId;
    this.currency = currency;
  }
}

export const WalletSchema = new EntitySchema<Wallet>({
  class: Wallet,
  tableName: 'wallets',
  checks: [{ name: 'wallets_balance_amount_check', expression: 'balance_amount >= 0' }],
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid', unique: 'wallets_user_id_unique' },
    balanceAmount: { type: new BigIntType('number'), default: 0 },
    currency: { type: 'string', length: 3 },
    createdAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
    // Set by `WalletService` with each ledger line (no `onUpdate`), see `nextLedgerTime`.
    updatedAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
  },
});
