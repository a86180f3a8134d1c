import { DateTimeScalar } from '@marketplace/platform';
import type { Resolvers } from '../generated/graphql';
import { Delivery } from './Delivery';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { Query } from './Query';

export const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Mutation, Order, Delivery };
