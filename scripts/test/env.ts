import { randomJwtSecret } from '../../platform/src/auth';

// Test processes: quiet logs and a cheaper (still real) password hash unless overridden.
process.env.LOG_LEVEL ??= 'silent';
process.env.PASSWORD_HASH_COST ??= '12';
// A random signing secret per test file, shared by the services it starts (none is built in).
process.env.JWT_SECRET ??= randomJwtSecret();
