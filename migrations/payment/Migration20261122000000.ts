import { Migration } from '@mikro-orm/migrations';

/**
 * Wallets (balance never negative), their append-only ledger, and payment attempts with at most
 * one charge per order.
 */
export class Migration20261122000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table wallets (
        id uuid primary key,
        user_id uuid not null,
        balance_amount integer not null default 0 constraint wallets_balance_amount_check check (balance_amount >= 0),
        currency varchar(3) not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create unique index wallets_user_id_unique on wallets (user_id)');

    this.addSql(`
      create table wallet_transactions (
        id uuid primary key,
        wallet_id uuid not null
          constraint wallet_transactions_wallet_id_foreign references wallets (id) on update cascade,
        kind text not null
          constraint wallet_transactions_kind_check check (kind in ('TOP_UP', 'PAYMENT', 'REFUND')),
        amount integer not null constraint wallet_transactions_amount_check check (amount <> 0),
        balance_after integer not null,
        reference varchar(100) null,
        created_at timestamptz not null default now()
      )`);
    this.addSql(
      'create index wallet_transactions_wallet_history_index on wallet_transactions (wallet_id, created_at, id)',
    );
    // One PAYMENT and one REFUND line per payment: a payment is debited and refunded at most once.
    this.addSql(
      'create unique index wallet_transactions_kind_reference_unique on wallet_transactions (kind, reference) where reference is not null',
    );

    this.addSql(`
      create table payments (
        id uuid primary key,
        order_id uuid not null,
        user_id uuid not null,
        amount integer not null constraint payments_amount_check check (amount > 0),
        currency varchar(3) not null,
        status text not null default 'PENDING'
          constraint payments_status_check check (status in ('PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED')),
        failure_reason varchar(500) null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create index payments_order_id_created_at_index on payments (order_id, created_at)');
    this.addSql('create index payments_user_id_index on payments (user_id)');
    // One charge per order: a refunded charge still counts, so the order can never be charged again.
    this.addSql(
      "create unique index payments_order_id_charged_unique on payments (order_id) where status in ('SUCCEEDED', 'REFUNDED')",
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists payments');
    this.addSql('drop table if exists wallet_transactions');
    this.addSql('drop table if exists wallets');
  }
}
