import { userMigrations } from '@marketplace/migrations';
import { readSubgraphSchema, type SubgraphDefinition } from '@marketplace/platform';
import { createLoaders, type UserServices } from './context';
import { UserSchema } from './entities/user.entity';
import { resolvers } from './resolvers';
import { userSettings, type UserSettings } from './settings';
import { UserService } from './user.service';

export const typeDefs = readSubgraphSchema(__dirname);

/** The user subgraph: accounts, sign-in and roles. Building it has no side effects. */
export const userSubgraph: SubgraphDefinition<
  ReturnType<typeof createLoaders>,
  UserServices,
  UserSettings
> = {
  name: 'user',
  typeDefs,
  resolvers,
  entities: [UserSchema],
  migrations: userMigrations,
  createLoaders,
  settings: userSettings,
  createServices: ({ config, settings }) => ({ users: new UserService(config, settings) }),
};
