import { Migration } from '@mikro-orm/migrations';

/** Users with a case-insensitive unique email. */
export class Migration20261121000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table users (
        id uuid primary key,
        email varchar(254) not null,
        password_hash varchar(255) not null,
        full_name varchar(100) not null,
        city varchar(100) null,
        birth_date date null,
        role text not null default 'CUSTOMER' constraint users_role_check check (role in ('CUSTOMER', 'ADMIN')),
        created_at timestamptz not null default now()
      )`);
    this.addSql('create unique index users_email_unique on users (email)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists users');
  }
}
