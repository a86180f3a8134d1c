import { authorizeReference, forbidden, referenceId } from '@marketplace/platform';
import type { UserContext } from '../context';
import type { UserResolvers } from '../generated/graphql';

interface UserReference {
  id: string;
}

/** Only the user themself and administrators may resolve a user, also through `_entities`. */
const resolveOwnUser = authorizeReference(
  { owner: (reference: UserReference) => reference.id.toLowerCase() },
  (reference: UserReference, context: UserContext) => {
    const id = referenceId(reference);
    return id ? context.loaders.userById.load(id) : null;
  },
);

export const User: UserResolvers = {
  __resolveReference: (reference, context, info) => {
    // An anonymous `_entities` caller is refused like a stranger (FORBIDDEN), as it always was;
    // the platform's `owner` rule alone would answer UNAUTHENTICATED.
    if (!context.viewer) throw forbidden();
    return resolveOwnUser(reference, context, info);
  },
};
