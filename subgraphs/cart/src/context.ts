import type DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  entityByIdLoader,
  groupedLoader,
  type EventWorkers,
  type SubgraphContext,
} from '@marketplace/platform';
import type { CartService } from './cart.service';
import { Cart } from './entities/cart.entity';
import { CartItem } from './entities/cart-item.entity';
import type { CatalogProduct, ProductCatalog } from './product-catalog.client';

/** A `User` as this subgraph knows it: only the key. */
export interface UserReference {
  id: string;
}

export const createLoaders = (em: EntityManager) => {
  let products: DataLoader<string, CatalogProduct | null> | undefined;
  return {
    cartById: entityByIdLoader<Cart>(em, Cart),
    itemsByCartId: groupedLoader<string, CartItem>(
      (cartIds) => em.find(CartItem, { cart: [...cartIds] }, { orderBy: { addedAt: 'asc', id: 'asc' } }),
      (item) => item.cart.id,
    ),
    /**
     * Products from the product subgraph, created on first use: it needs the request's
     * `Authorization` header, which `createLoaders` is not given.
     */
    products: (catalog: ProductCatalog, authorization: string | null) =>
      (products ??= catalog.createLoader(authorization)),
  };
};

export type CartLoaders = ReturnType<typeof createLoaders>;

export interface CartServices {
  carts: CartService;
  /** The saga worker, set when it starts (tests apply events through `events.consumer`). */
  events?: EventWorkers;
}

export type CartContext = SubgraphContext<CartLoaders, CartServices>;
