import { DateTimeScalar } from '@marketplace/platform';
import type { Resolvers } from '../generated/graphql';
import { Cart } from './Cart';
import { CartItem } from './CartItem';
import { Mutation } from './Mutation';
import { User } from './User';

export const resolvers: Resolvers = { DateTime: DateTimeScalar, Mutation, User, Cart, CartItem };
