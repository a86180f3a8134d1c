import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, context) => context.services.users.register(context, input),
  login: (_parent, { email, password }, context) => context.services.users.login(context, email, password),
};
