import { authorizeReference, referenceId } from '@marketplace/platform';
import type { UserContext } from '../context';
import type { UserResolvers } from '../generated/graphql';

interface UserReference {
  id: string;
}

export const User: UserResolvers = {
  /** Only the user themself and administrators may resolve a user, also through `_entities`. */
  __resolveReference: authorizeReference(
    { owner: (reference: UserReference) => reference.id.toLowerCase() },
    (reference: UserReference, context: UserContext) => {
      const id = referenceId(reference);
      return id ? context.loaders.userById.load(id) : null;
    },
  ),
};
