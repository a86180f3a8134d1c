import type { EntityManager } from '@mikro-orm/postgresql';
import { entityByIdLoader, type SubgraphContext } from '@marketplace/platform';
import { User } from './entities/user.entity';
import type { UserService } from './user.service';

export const createLoaders = (em: EntityManager) => ({
  userById: entityByIdLoader<User>(em, User),
});

export interface UserServices {
  users: UserService;
}

export type UserContext = SubgraphContext<ReturnType<typeof createLoaders>, UserServices>;
