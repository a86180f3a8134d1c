/**
 * `npm run create-admin -- --email <e> --password <p>`: creates an administrator, or promotes an
 * existing account (and sets its password). Uses the user service's own database and rules.
 */
import { parseArgs } from 'node:util';
import {
  configurationOrExit,
  createLogger,
  DomainError,
  loadConfig,
  migrate,
  openDatabase,
  readSettings,
} from '@marketplace/platform';
import { userMigrations } from '@marketplace/migrations';
import { UserSchema } from '../subgraphs/user/src/entities/user.entity';
import { userSettings } from '../subgraphs/user/src/settings';
import { UserService } from '../subgraphs/user/src/user.service';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' } } });
  if (!values.email || !values.password) {
    console.error('usage: npm run create-admin -- --email <email> --password <password>');
    process.exit(2);
  }
  const config = configurationOrExit(() => loadConfig('user'));
  const settings = configurationOrExit(() => readSettings(userSettings));
  const orm = await openDatabase({
    url: config.databaseUrl,
    databaseName: config.databaseName,
    entities: [UserSchema],
    migrations: userMigrations,
    log: createLogger('create-admin', 'warn'),
    poolMax: 2,
  });
  try {
    await migrate(orm);
    const user = await new UserService(config, settings).createAdmin(
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
  console.error(error instanceof DomainError ? `invalid input: ${error.message}` : error);
  process.exit(1);
});
