import type DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  DomainError,
  isId,
  newId,
  notFound,
  parseId,
  type Money,
  type PlatformConfig,
} from '@marketplace/platform';
import {
  ensureAvailable,
  ensureRoomForLine,
  ensureShowableCartTotal,
  itemCount,
  lineTotal,
  readableCartAmount,
  validateQuantity,
} from './domain/cart-rules';
import type { CartLoaders } from './context';
import { Cart } from './entities/cart.entity';
import { CartItem } from './entities/cart-item.entity';
import type { CatalogProduct, ProductCatalog } from './product-catalog.client';

/** What the service needs of a request. */
export interface CartServiceContext {
  em: EntityManager;
  loaders: CartLoaders;
}

/**
 * Carts: one per user. Who may read or change which cart is decided by the resolvers; every
 * method here acts for the already-authorized user id it is given. Every change to a cart first
 * takes the cart's row lock (creating the cart if needed), so concurrent changes of one cart apply
 * one after the other: no increment is lost and the unique (cart, product) index is never hit by
 * a race.
 */
export class CartService {
  constructor(
    private readonly config: PlatformConfig,
    /** The product subgraph, read as the caller (request loaders are built from it). */
    readonly catalog: ProductCatalog,
  ) {}

  /** The cart of `userId`, created empty if missing. */
  async cartOfUser(context: CartServiceContext, userId: string): Promise<Cart> {
    const existing = await context.em.findOne(Cart, { userId });
    if (existing) return existing;
    // Created outside any transaction; a concurrent creator wins harmlessly.
    await context.em.execute(
      'insert into carts (id, user_id) values (?, ?) on conflict (user_id) do nothing',
      [newId(), userId],
    );
    return context.em.findOneOrFail(Cart, { userId });
  }

  /** Adds units of a product to the cart of `userId`, on top of what is already there. */
  async addToCart(
    context: CartServiceContext,
    userId: string,
    productId: string,
    quantity: number,
  ): Promise<Cart> {
    const id = parseId(productId, 'productId');
    const added = validateQuantity(quantity);
    const product = await this.productForChange(context, userId, id);
    const cartId = await this.changeCart(context, userId, async (tx, cartId) => {
      const item = await tx.findOne(CartItem, { cart: cartId, productId: id });
      const held = item?.quantity ?? 0;
      ensureAvailable(product, held + added, held);
      await this.ensureShowableTotal(context, tx, cartId, id, held + added);
      if (item) {
        item.quantity = held + added;
      } else {
        ensureRoomForLine(await tx.count(CartItem, { cart: cartId }));
        tx.persist(new CartItem(tx.getReference(Cart, cartId), id, added));
      }
    });
    return this.loadCart(context, cartId);
  }

  /** Sets the quantity of a product that is in the cart of `userId`. */
  async updateCartItem(
    context: CartServiceContext,
    userId: string,
    productId: string,
    quantity: number,
  ): Promise<Cart> {
    const id = parseId(productId, 'productId');
    const wanted = validateQuantity(quantity);
    const product = await this.productForChange(context, userId, id);
    ensureAvailable(product, wanted);
    const cartId = await this.changeCart(context, userId, async (tx, cartId) => {
      const item = await tx.findOne(CartItem, { cart: cartId, productId: id });
      if (!item) throw this.notInCart(id);
      await this.ensureShowableTotal(context, tx, cartId, id, wanted);
      item.quantity = wanted;
    });
    return this.loadCart(context, cartId);
  }

  /** Removes a product from the cart of `userId`; NOT_FOUND if it is not there. */
  async removeFromCart(context: CartServiceContext, userId: string, productId: string): Promise<Cart> {
    const id = parseId(productId, 'productId');
    const cartId = await this.changeCart(context, userId, async (tx, cartId) => {
      if ((await tx.nativeDelete(CartItem, { cart: cartId, productId: id })) === 0) throw this.notInCart(id);
    });
    return this.loadCart(context, cartId);
  }

  /** Empties the cart of `userId`. */
  async clearCart(context: CartServiceContext, userId: string): Promise<Cart> {
    const cartId = await this.changeCart(context, userId, async (tx, cartId) => {
      await tx.nativeDelete(CartItem, { cart: cartId });
    });
    return this.loadCart(context, cartId);
  }

  /**
   * Empties the cart of `userId` in a transaction of its own, for the service itself. Returns how
   * many lines were removed.
   */
  async clearCartOfUser(context: { em: EntityManager }, userId: string): Promise<number> {
    return context.em.fork().transactional(async (tx) => {
      const carts = await tx.execute<{ id: string }[]>(
        'update carts set updated_at = now() where user_id = ? returning id',
        [userId],
      );
      if (carts.length === 0) return 0;
      return tx.nativeDelete(CartItem, { cart: carts[0].id });
    });
  }

  /**
   * Takes out of the cart of `userId` the lines of the products an order was placed for
   * (`OrderPlaced`); anything added since for other products stays. Runs in the caller's
   * transaction (the saga consumer's, which records the event with it) and holds the cart's row
   * lock like every other change, so a concurrent `addToCart` applies wholly before or after.
   * Returns how many lines were removed.
   */
  async removeOrderedProducts(
    context: { em: EntityManager },
    userId: string,
    productIds: readonly string[],
  ): Promise<number> {
    if (!isId(userId) || productIds.length === 0) return 0;
    const [cart] = await context.em.execute<{ id: string }[]>(
      'select id from carts where user_id = ? for update',
      [userId.toLowerCase()],
    );
    if (!cart) return 0;
    const removed = await context.em.nativeDelete(CartItem, {
      cart: cart.id,
      productId: { $in: [...productIds] },
    });
    if (removed > 0) await context.em.execute('update carts set updated_at = now() where id = ?', [cart.id]);
    return removed;
  }

  items(context: CartServiceContext, cart: Cart): Promise<CartItem[]> {
    return context.loaders.itemsByCartId.load(cart.id);
  }

  async lineTotal(context: CartServiceContext, item: CartItem): Promise<Money> {
    const line = await this.exactLineTotal(context, item);
    return readableCartAmount([line], this.config.currency, 'line total');
  }

  async total(context: CartServiceContext, cart: Cart): Promise<Money> {
    const items = await this.items(context, cart);
    const lines = await Promise.all(items.map((item) => this.exactLineTotal(context, item)));
    return readableCartAmount(lines, this.config.currency, 'total');
  }

  async itemCount(context: CartServiceContext, cart: Cart): Promise<number> {
    return itemCount((await this.items(context, cart)).map((item) => item.quantity));
  }

  /** A cart by id, null if unknown. */
  cartById(context: CartServiceContext, cartId: string): Promise<Cart | null> {
    return context.loaders.cartById.load(cartId);
  }

  private async exactLineTotal(context: CartServiceContext, item: CartItem): Promise<Money> {
    const product = await this.products(context).load(item.productId);
    if (!product) throw notFound('Product', item.productId);
    return lineTotal(product.price, item.quantity);
  }

  /**
   * Refuses (before anything is stored) a change that would leave the cart costing more than the
   * API can show: the cart's lines under its row lock, with `productId` at `quantity`, priced
   * from the request's product loader (which already holds the cart's products).
   */
  private async ensureShowableTotal(
    context: CartServiceContext,
    tx: EntityManager,
    cartId: string,
    productId: string,
    quantity: number,
  ): Promise<void> {
    const quantities = new Map(
      (await tx.find(CartItem, { cart: cartId })).map((line) => [line.productId, line.quantity]),
    );
    quantities.set(productId, quantity);
    const lines = [...quantities];
    const products = await this.products(context).loadMany(lines.map(([id]) => id));
    const totals: Money[] = [];
    lines.forEach(([, lineQuantity], index) => {
      const product = products[index];
      if (product instanceof Error) throw product;
      // A product the catalog no longer has costs nothing here; reading its line says NOT_FOUND.
      if (product) totals.push(lineTotal(product.price, lineQuantity));
    });
    ensureShowableCartTotal(totals, this.config.currency);
  }

  private products(context: CartServiceContext): DataLoader<string, CatalogProduct | null> {
    return context.loaders.products;
  }

  /**
   * The product being changed, fetched together with every other product in the user's cart: the
   * one call also serves the response's line totals from the loader's cache.
   */
  private async productForChange(
    context: CartServiceContext,
    userId: string,
    productId: string,
  ): Promise<CatalogProduct> {
    // A fork: these rows must not linger in the request's identity map once the cart has changed.
    const items = await context.em.fork().find(CartItem, { cart: { userId } });
    const ids = [productId, ...items.map((item) => item.productId).filter((id) => id !== productId)];
    const [product] = await this.products(context).loadMany(ids);
    if (product instanceof Error) throw product;
    if (!product) throw notFound('Product', productId);
    return product;
  }

  /**
   * Runs `change` in a transaction holding the row lock of the user's cart (created if missing),
   * and marks the cart updated. Returns the cart id.
   */
  private async changeCart(
    context: CartServiceContext,
    userId: string,
    change: (tx: EntityManager, cartId: string) => Promise<void>,
  ): Promise<string> {
    return context.em.fork().transactional(async (tx) => {
      const [cart] = await tx.execute<{ id: string }[]>(
        `insert into carts (id, user_id) values (?, ?)
         on conflict (user_id) do update set updated_at = now()
         returning id`,
        [newId(), userId],
      );
      await change(tx, cart.id);
      return cart.id;
    });
  }

  private async loadCart(context: CartServiceContext, cartId: string): Promise<Cart> {
    const cart = await context.loaders.cartById.load(cartId);
    if (!cart) throw notFound('Cart', cartId);
    return cart;
  }

  private notInCart(productId: string): DomainError {
    return new DomainError('NOT_FOUND', `Product ${productId} is not in your cart`, {
      typeName: 'CartItem',
      id: productId,
    });
  }
}
