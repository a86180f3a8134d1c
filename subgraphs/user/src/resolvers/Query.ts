import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  me: (_parent, _args, context) =>
    context.viewer ? context.loaders.userById.load(context.viewer.userId) : null,
};
