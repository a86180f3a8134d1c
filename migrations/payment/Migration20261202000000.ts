import { Migration } from '@mikro-orm/migrations';

/**
 * Money columns become `bigint`: a refund may take a balance past the top-up limit, and sums must
 * never wrap at 2^31 minor units. Values are unchanged; amounts stay whole minor units.
 */
export class Migration20261202000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table wallets alter column balance_amount type bigint');
    this.addSql(
      'alter table wallet_transactions alter column amount type bigint, alter column balance_after type bigint',
    );
    this.addSql('alter table payments alter column amount type bigint');
    this.addSql('alter table payable_orders alter column amount type bigint');
  }

  override async down(): Promise<void> {
    this.addSql('alter table payable_orders alter column amount type integer');
    this.addSql('alter table payments alter column amount type integer');
    this.addSql(
      'alter table wallet_transactions alter column amount type integer, alter column balance_after type integer',
    );
    this.addSql('alter table wallets alter column balance_amount type integer');
  }
}
