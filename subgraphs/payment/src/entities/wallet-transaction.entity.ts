import { BigIntType, EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';
import { Wallet } from './wallet.entity';

export type WalletTransactionKind = 'TOP_UP' | 'PAYMENT' | 'REFUND';
export const WALLET_TRANSACTION_KINDS: readonly WalletTransactionKind[] = ['TOP_UP', 'PAYMENT', 'REFUND'];

/**
 * One movement of a wallet balance (an append-only ledger line). A `PAYMENT` or `REFUND` carries the
 * payment id as `reference`; a unique index allows one line per kind and reference, so a payment is
 * debited, and refunded, at most once.
 */
export class WalletTransaction {
  id: string = newId();
  wallet: Wallet;
  kind: WalletTransactionKind;
  /** Signed minor units: positive for a credit, negative for a debit. */
  amount: number;
  /** The wallet balance right after this movement. */
  balanceAfter: number;
  /** What caused the movement, e.g. a payment id; null for top-ups. */
  reference: string | null;
  /** Strictly after the wallet's previous line, so the ledger reads back in order (see `nextLedgerTime`). */
  createdAt: Date;

  constructor(
    wallet: Wallet,
    kind: WalletTransactionKind,
    amount: number,
    balanceAfter: number,
    reference: string | null,
    createdAt: Date,
  ) {
    this.wallet = wallet;
    this.kind = kind;
    this.amount = amount;
    this.balanceAfter = balanceAfter;
    this.reference = reference;
    this.createdAt = createdAt;
  }
}

export const WalletTransactionSchema = new EntitySchema<WalletTransaction>({
  class: WalletTransaction,
  tableName: 'wallet_transactions',
  checks: [{ name: 'wallet_transactions_amount_check', expression: 'amount <> 0' }],
  indexes: [
    // The history is read newest first, one wallet at a time.
    { name: 'wallet_transactions_wallet_history_index', properties: ['wallet', 'createdAt', 'id'] },
  ],
  uniques: [
    {
      name: 'wallet_transactions_kind_reference_unique',
      expression:
        'create unique index wallet_transactions_kind_reference_unique on wallet_transactions (kind, reference) where reference is not null',
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    wallet: { kind: 'm:1', entity: () => Wallet },
    kind: { enum: true, items: [...WALLET_TRANSACTION_KINDS] },
    amount: { type: new BigIntType('number') },
    balanceAfter: { type: new BigIntType('number') },
    reference: { type: 'string', length: 100, nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
  },
});
