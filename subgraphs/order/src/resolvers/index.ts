import { DateTimeScalar } from '@marketplace/platform';
import type { Resolvers } from '../generated/graphql';
import { Order } from './Order';
import { OrderItem } from './OrderItem';
import { Query } from './Query';
import { User } from './User';

export const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Order, OrderItem, User };
