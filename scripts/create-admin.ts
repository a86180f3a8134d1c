/**
 * `npm run create-admin -- --email <e> --password <p>`: creates an administrator, or promotes an
 * existing account (and sets its password). Uses the user service's own database and rules.
 */
import { parseArgs } from 'node:util';
import { createLogger, loadConfig, migrate, openDatabase } from '@marketplace/platform';
import { userMigrations } from '@marketplace/migrations';
import { UserSchema } from '../subgraphs/user/src/entities/user.entity';
import { UserService } from '../subgraphs/user/src/user.service';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' } } });
  if (!values.email || !values.password) {
    console.error('usage: npm run create-admin -- --email <email> --password <password>');
    process.exit(2);
  }
  const config = loadConfig('user');
  const orm = await openDatabase({
    url: config.databaseUrl,
    databaseName: config.databaseName,
    entities: [UserSchema],
    migrations: userMigrations,
    log: createLogger('create-admin', 'warn'),
  });
  try {
    await migrate(orm);
    const user = await new UserService(config).createAdmin(
      { em: orm.em.fork() },
      values.email,
      values.password,
    );
    console.log(`administrator ready: ${user.email} (${user.id})`);
  } finally {
    await orm.close(true);
  }
}

main().catch((error: unknown) => {
  const extensions = (error as { extensions?: { code?: string } }).extensions;
  console.error(extensions?.code === 'BAD_USER_INPUT' ? `invalid input: ${(error as Error).message}` : error);
  process.exit(1);
});
