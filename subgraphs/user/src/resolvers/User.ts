import { forbidden, isId } from '@marketplace/platform';
import type { UserResolvers } from '../generated/graphql';

export const User: UserResolvers = {
  // Only the user themself and administrators may resolve a user, also through `_entities`.
  __resolveReference: async (reference, context) => {
    const viewer = context.viewer;
    if (!viewer || (viewer.role !== 'ADMIN' && viewer.userId !== reference.id)) throw forbidden();
    if (!isId(reference.id)) return null;
    return context.loaders.userById.load(reference.id);
  },
};
