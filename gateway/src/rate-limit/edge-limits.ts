import type { Redis } from 'ioredis';
import { SharedRateLimit, type Logger, type RateLimitDecision } from '@marketplace/platform';
import type { RateLimitConfig } from './settings';

const ALLOWED: RateLimitDecision = { allowed: true };
const MINUTE = 60;
/** Failed logins from one IP are counted over this window. */
const IP_FAILURE_WINDOW_SECONDS = 15 * MINUTE;
/** Failures in a row for one account are forgotten after this long without another. */
const ACCOUNT_FAILURE_WINDOW_SECONDS = 60 * MINUTE;

/** `Some.One@Example.com ` and `some.one@example.com` are one account. */
export const normalizeEmail = (email: string): string => email.normalize('NFKC').trim().toLowerCase();

/** The first refusal of several decisions, taken in order. */
async function firstRefusal(checks: (() => Promise<RateLimitDecision>)[]): Promise<RateLimitDecision> {
  for (const check of checks) {
    const decision = await check();
    if (!decision.allowed) return decision;
  }
  return ALLOWED;
}

/**
 * The gateway's budgets, each a {@link SharedRateLimit} in Redis so that replicas share them:
 * requests per IP, operations per user, `login`/`register` per IP, and the brute-force guard — a
 * run of failed logins for one account (or many from one IP) blocks further logins for a while; a
 * success clears the account's run. A budget of 0 is off. Every check fails open without Redis.
 */
export class EdgeRateLimits {
  private readonly perIp?: SharedRateLimit;
  private readonly perUser?: SharedRateLimit;
  private readonly authPerIp?: SharedRateLimit;
  private readonly accountFailures?: SharedRateLimit;
  private readonly ipFailures?: SharedRateLimit;

  constructor(
    redis: Redis,
    private readonly config: RateLimitConfig,
    keyPrefix: string,
    log: Logger,
  ) {
    const limit = (name: string, points: number, durationSeconds: number): SharedRateLimit | undefined =>
      points > 0
        ? new SharedRateLimit({ redis, keyPrefix: `${keyPrefix}rl:${name}`, points, durationSeconds, log })
        : undefined;
    this.perIp = limit('ip', config.perIpPerMinute, MINUTE);
    this.perUser = limit('user', config.perUserPerMinute, MINUTE);
    this.authPerIp = limit('auth-ip', config.authPerIpPerMinute, MINUTE);
    this.accountFailures = limit(
      'login-fail-account',
      config.loginFailuresPerAccount,
      ACCOUNT_FAILURE_WINDOW_SECONDS,
    );
    this.ipFailures = limit('login-fail-ip', config.loginFailuresPerIp, IP_FAILURE_WINDOW_SECONDS);
  }

  /** One request, WebSocket connect or WebSocket operation from `ip`. */
  request(ip: string): Promise<RateLimitDecision> {
    return this.perIp?.consume(ip) ?? Promise.resolve(ALLOWED);
  }

  /** One operation of a signed-in user. */
  operation(userId: string): Promise<RateLimitDecision> {
    return this.perUser?.consume(userId) ?? Promise.resolve(ALLOWED);
  }

  /**
   * `attempts` `login`/`register` fields from `ip` (an alias each), `emails` those of the logins:
   * refused when the IP spent its budget, or any account or the IP is blocked for failed logins.
   */
  authentication(ip: string, attempts: number, emails: readonly string[]): Promise<RateLimitDecision> {
    const { authPerIp, accountFailures, ipFailures } = this;
    return firstRefusal([
      () => authPerIp?.consume(ip, attempts) ?? Promise.resolve(ALLOWED),
      ...(emails.length > 0 && ipFailures ? [() => ipFailures.check(ip)] : []),
      ...(accountFailures ? emails.map((email) => () => accountFailures.check(normalizeEmail(email))) : []),
    ]);
  }

  /** A login for `email` from `ip` was refused: count it, and block once a run is long enough. */
  async loginFailed(ip: string, email: string): Promise<void> {
    await Promise.all([
      this.countFailure(this.ipFailures, ip),
      this.countFailure(this.accountFailures, normalizeEmail(email)),
    ]);
  }

  /** A login succeeded: the account's run of failures ends (the IP's count stays). */
  async loginSucceeded(email: string): Promise<void> {
    await this.accountFailures?.reset(normalizeEmail(email));
  }

  private async countFailure(limit: SharedRateLimit | undefined, key: string): Promise<void> {
    if (!limit) return;
    await limit.consume(key);
    if (!(await limit.check(key)).allowed) await limit.block(key, this.config.loginBlockSeconds);
  }
}
