import { GraphQLError } from 'graphql';
import type { EdgeRateLimits } from './edge-limits';
import { retryAfterSeconds } from './refusal';
import type { AbuseCaps } from './settings';

/** Open things per key (IP or user), forgetting keys that reach zero. */
class Counts {
  private readonly counts = new Map<string, number>();

  of(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Counts one more for `key`; returns what takes it back (idempotent). */
  add(key: string): () => void {
    this.counts.set(key, this.of(key) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.of(key) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    };
  }
}

/** Why an upgrade to a WebSocket was refused, as an HTTP answer. */
export interface UpgradeRefusal {
  status: 429;
  reason: string;
  retryAfterSeconds: number;
}

/** The error a subscription or socket operation gets when its caller is over a budget or cap. */
const refusal = (message: string, extensions: Record<string, unknown>): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', ...extensions } });

/**
 * The WebSocket side of the edge's budgets and caps. Connects and operations spend the same
 * per-IP and per-user budgets as HTTP requests (shared through Redis); open sockets per IP and per
 * user, and active subscriptions per user across all of the user's sockets, are capped per
 * gateway replica (they are held in this process: a replica that dies takes its counts with it).
 */
export class SocketCaps {
  private readonly socketsByIp = new Counts();
  private readonly socketsByUser = new Counts();
  private readonly subscriptionsByUser = new Counts();

  constructor(
    private readonly caps: AbuseCaps,
    private readonly limits: EdgeRateLimits,
  ) {}

  /** May `ip` open another socket? Checked before the WebSocket handshake. */
  async admitSocket(ip: string): Promise<UpgradeRefusal | undefined> {
    if (this.socketsByIp.of(ip) >= this.caps.maxSocketsPerIp) {
      return { status: 429, reason: 'Too many open connections from this address', retryAfterSeconds: 60 };
    }
    const decision = await this.limits.request(ip);
    if (decision.allowed) return undefined;
    return {
      status: 429,
      reason: 'Too many requests',
      retryAfterSeconds: retryAfterSeconds(decision.retryAfterMs),
    };
  }

  /** Counts an accepted socket of `ip`; returns what to run when it closes. */
  socketOpened(ip: string): () => void {
    return this.socketsByIp.add(ip);
  }

  /** Counts a signed-in socket of `userId`, or returns `undefined` when the user has too many. */
  userConnected(userId: string): (() => void) | undefined {
    if (this.socketsByUser.of(userId) >= this.caps.maxSocketsPerUser) return undefined;
    return this.socketsByUser.add(userId);
  }

  /**
   * One `subscribe` message: spends the IP's budget, and for a subscription the user's (a query
   * or mutation over the socket spends the user's when the gateway runs it, like over HTTP).
   */
  async admitOperation(ip: string, subscriberId: string | undefined): Promise<GraphQLError | undefined> {
    const decision = await this.limits.request(ip);
    const byUser = decision.allowed && subscriberId ? await this.limits.operation(subscriberId) : decision;
    if (byUser.allowed) return undefined;
    const seconds = retryAfterSeconds(byUser.retryAfterMs);
    return refusal(`Too many requests; retry in ${seconds} s`, { retryAfterSeconds: seconds });
  }

  /** Refusal when `userId` already holds as many subscriptions as allowed. */
  subscriptionRefusal(userId: string): GraphQLError | undefined {
    const limit = this.caps.maxSubscriptionsPerUser;
    if (this.subscriptionsByUser.of(userId) < limit) return undefined;
    return refusal(`At most ${limit} subscriptions may be active per user`, { limit });
  }

  /** Counts an active subscription of `userId`; returns what to run when it ends. */
  subscriptionStarted(userId: string): () => void {
    return this.subscriptionsByUser.add(userId);
  }
}
