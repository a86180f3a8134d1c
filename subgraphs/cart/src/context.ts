import type DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  entityByIdLoader,
  groupedLoader,
  type EventWorkers,
  type RedisCallLimiter,
  type LoaderRequest,
  type SubgraphContext,
} from '@marketplace/platform';
import type { CartService } from './cart.service';
import { Cart } from './entities/cart.entity';
import { CartItem } from './entities/cart-item.entity';
import type { CatalogProduct } from './product-catalog.client';

/** A `User` as this subgraph knows it: only the key. */
export interface UserReference {
  id: string;
}

export interface CartLoaders {
  cartById: DataLoader<string, Cart | null>;
  itemsByCartId: DataLoader<string, CartItem[]>;
  /** Products from the product subgraph, read as the caller: one HTTP call per request batch. */
  products: DataLoader<string, CatalogProduct | null>;
}

export const createLoaders = (
  em: EntityManager,
  { authorization, signal, services }: LoaderRequest<CartServices>,
): CartLoaders => ({
  cartById: entityByIdLoader<Cart>(em, Cart),
  itemsByCartId: groupedLoader<string, CartItem>(
    (cartIds) => em.find(CartItem, { cart: [...cartIds] }, { orderBy: { addedAt: 'asc', id: 'asc' } }),
    (item) => item.cart.id,
  ),
  products: services.carts.catalog.createLoader(authorization, signal),
});

export interface CartServices {
  carts: CartService;
  /** Paces calls to the product subgraph (`PRODUCT_CLIENT_RATE_LIMIT_RPS`); absent when unlimited. */
  productLimiter?: RedisCallLimiter;
  /** The saga worker, set when it starts (tests apply events through `events.consumer`). */
  events?: EventWorkers;
}

export type CartContext = SubgraphContext<CartLoaders, CartServices>;
