import { serviceUrl } from '@marketplace/platform';

/**
 * Settings of the order service beyond the platform's, read from the environment (see the
 * README's configuration table). Every one has a default that suits the local stack.
 */
export interface OrderOptions {
  /**
   * How long an order may stay unpaid (PENDING or AWAITING_PAYMENT) before the expiry sweep
   * cancels it with reason PAYMENT_TIMEOUT, in minutes (`ORDER_PAYMENT_TIMEOUT_MINUTES`).
   * Default 10.
   */
  paymentTimeoutMinutes: number;
  /**
   * Pause between two expiry sweeps, in ms (`ORDER_EXPIRY_SWEEP_MS`). Default 30 000; `0` turns
   * the background sweep off (e.g. when a separate job runs it).
   */
  expirySweepMs: number;
  /** Orders the sweep cancels per transaction (`ORDER_EXPIRY_BATCH_SIZE`). Default 100. */
  expiryBatchSize: number;
  /** The cart subgraph checkout reads the cart from (`CART_SERVICE_URL`). Default `http://127.0.0.1:4003/graphql`. */
  cartServiceUrl: string;
  /** The product subgraph checkout reads prices from (`PRODUCT_SERVICE_URL`). Default `http://127.0.0.1:4002/graphql`. */
  productServiceUrl: string;
}

function readNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  valid: (value: number) => boolean,
  expected: string,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!valid(value)) throw new Error(`${name} must be ${expected}, got "${raw}"`);
  return value;
}

/** Reads {@link OrderOptions} from `env`; throws on a malformed value rather than guessing. */
export function loadOrderOptions(env: NodeJS.ProcessEnv = process.env): OrderOptions {
  return {
    paymentTimeoutMinutes: readNumber(
      env,
      'ORDER_PAYMENT_TIMEOUT_MINUTES',
      10,
      (value) => Number.isFinite(value) && value > 0,
      'a positive number of minutes',
    ),
    expirySweepMs: readNumber(
      env,
      'ORDER_EXPIRY_SWEEP_MS',
      30_000,
      (value) => Number.isInteger(value) && value >= 0,
      'a non-negative integer',
    ),
    expiryBatchSize: readNumber(
      env,
      'ORDER_EXPIRY_BATCH_SIZE',
      100,
      (value) => Number.isInteger(value) && value >= 1 && value <= 10_000,
      'an integer from 1 to 10000',
    ),
    cartServiceUrl: serviceUrl('cart', 4003, env),
    productServiceUrl: serviceUrl('product', 4002, env),
  };
}
