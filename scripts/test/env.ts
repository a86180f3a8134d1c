import { randomBytes } from 'node:crypto';
import { randomJwtSecret } from '../../platform/src/auth';

// Test processes: quiet logs and a cheaper (still real) password hash unless overridden.
process.env.LOG_LEVEL ??= 'silent';
process.env.PASSWORD_HASH_COST ??= '12';
// A random signing secret per test file, shared by the services it starts (none is built in).
process.env.JWT_SECRET ??= randomJwtSecret();
// Rate limits live in Redis, which every test process on the machine shares: a key prefix per test
// file, and budgets that only the rate-limit tests (which set their own) ever reach.
process.env.REDIS_KEY_PREFIX ??= `test:${randomBytes(6).toString('hex')}:`;
for (const budget of [
  'GATEWAY_RATE_LIMIT_PER_IP',
  'GATEWAY_RATE_LIMIT_PER_USER',
  'GATEWAY_RATE_LIMIT_AUTH_PER_IP',
  'GATEWAY_LOGIN_MAX_FAILURES',
  'GATEWAY_LOGIN_MAX_FAILURES_PER_IP',
]) {
  process.env[budget] ??= '1000000';
}
// Metrics listeners on ephemeral ports: test files run in parallel and must not fight for 9000–9006.
for (const service of ['GATEWAY', 'USER', 'PRODUCT', 'CART', 'ORDER', 'PAYMENT', 'DELIVERY']) {
  process.env[`${service}_METRICS_PORT`] ??= '0';
}
