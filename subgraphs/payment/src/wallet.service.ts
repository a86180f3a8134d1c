import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badUserInput,
  decodeTimeCursor,
  newestFirstAfter,
  newId,
  pageSize,
  timeCursorKey,
  toConnection,
  type Connection,
} from '@marketplace/platform';

import {
  applyToBalance,
  assertPositiveAmount,
  BalanceLimitExceededError,
  MAX_BALANCE_AMOUNT,
  nextLedgerTime,
  validateTopUpAmount,
} from './domain/wallet';
import { Wallet } from './entities/wallet.entity';
import { WalletTransaction, type WalletTransactionKind } from './entities/wallet-transaction.entity';

/**
 * What the service needs of a caller: an EntityManager fork of its own. Concurrent calls must not
 * share one. When `em` is inside a transaction (e.g. a saga step writing its outbox row), the
 * wallet change joins it as a savepoint and commits with it.
 */
export interface WalletServiceContext {
  em: EntityManager;
}

export interface PageArgs {
  /** Page size, 1 to 100. Default 20. */
  first?: number | null;
  after?: string | null;
}

/**
 * Wallets and their ledger. Every balance change takes the wallet row lock (`select … for
 * update`), so concurrent changes to one wallet apply one after another and none is lost; a
 * database check keeps the balance from ever going below zero even if a bug slipped past that.
 */
export class WalletService {
  /** @param currency ISO 4217 code new wallets open in (the shop currency, `config.currency`). */
  constructor(private readonly currency: string) {}

  /** The user's wallet, opening an empty one if they have none (safe when two requests race). */
  async openWallet(context: WalletServiceContext, userId: string): Promise<Wallet> {
    const existing = await context.em.findOne(Wallet, { userId });
    if (existing) return existing;
    await this.insertMissingWallet(context.em, userId);
    return context.em.findOneOrFail(Wallet, { userId });
  }

  /**
   * Adds a client's top-up to their wallet. `amount` must be 1 to `MAX_TOP_UP_AMOUNT` minor units,
   * and the balance may not exceed `MAX_BALANCE_AMOUNT`; otherwise `BAD_USER_INPUT` on `amount`.
   */
  async topUp(context: WalletServiceContext, userId: string, amount: number): Promise<Wallet> {
    validateTopUpAmount(amount);
    try {
      const transaction = await this.post(context, userId, 'TOP_UP', amount, null, MAX_BALANCE_AMOUNT);
      return transaction.wallet;
    } catch (error) {
      if (error instanceof BalanceLimitExceededError) {
        throw badUserInput(
          `This top-up would take the balance above the most top-ups may bring it to (${MAX_BALANCE_AMOUNT})`,
          'amount',
        );
      }
      throw error;
    }
  }

  /**
   * Takes `amount` minor units from the user's wallet to pay for `reference` (a payment id).
   * Throws `InsufficientFundsError` (and changes nothing) when the balance is smaller.
   * Idempotent per reference: a repeated call returns the first transaction and moves no money.
   */
  async debit(
    context: WalletServiceContext,
    userId: string,
    amount: number,
    reference: string,
  ): Promise<WalletTransaction> {
    assertPositiveAmount(amount);
    return this.post(context, userId, 'PAYMENT', -amount, reference);
  }

  /**
   * Returns `amount` minor units to the user's wallet for `reference` (the refunded payment id).
   * No wallet limit applies: the customer's money always comes back, even to a wallet topped up
   * to `MAX_BALANCE_AMOUNT`. Idempotent per reference, like {@link debit}.
   */
  async credit(
    context: WalletServiceContext,
    userId: string,
    amount: number,
    reference: string,
  ): Promise<WalletTransaction> {
    assertPositiveAmount(amount);
    return this.post(context, userId, 'REFUND', amount, reference);
  }

  /** A wallet's ledger, newest first, as a cursor connection. */
  async transactions(
    context: WalletServiceContext,
    wallet: Wallet,
    { first, after }: PageArgs,
  ): Promise<Connection<WalletTransaction>> {
    const limit = pageSize(first);
    const cursor = decodeTimeCursor(after);
    const where: FilterQuery<WalletTransaction> = { wallet: wallet.id };
    const page = newestFirstAfter<WalletTransaction>(where, cursor);
    const rows = await context.em.find(WalletTransaction, page, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: limit + 1,
      populate: ['wallet'],
    });
    const totalCount = await context.em.count(WalletTransaction, where);
    return toConnection(rows, limit, totalCount, timeCursorKey, cursor !== null);
  }

  /** Applies one signed change under the wallet row lock and records it in the ledger. */
  private async post(
    context: WalletServiceContext,
    userId: string,
    kind: WalletTransactionKind,
    change: number,
    reference: string | null,
    /** The most the balance may reach by this change; none for payments and refunds. */
    ceiling?: number,
  ): Promise<WalletTransaction> {
    return context.em.transactional(async (em) => {
      const wallet = await this.lockWallet(em, userId);
      if (reference !== null) {
        // Checked under the lock, so a concurrent repeat waits for the first and then sees it.
        const earlier = await em.findOne(WalletTransaction, { kind, reference }, { populate: ['wallet'] });
        if (earlier) {
          if (earlier.wallet.id !== wallet.id || earlier.amount !== change) {
            throw new Error(`${kind} ${reference} was already recorded with another wallet or amount`);
          }
          return earlier;
        }
      }
      wallet.balanceAmount = applyToBalance(wallet.balanceAmount, change, ceiling);
      wallet.updatedAt = nextLedgerTime(wallet.updatedAt);
      const transaction = new WalletTransaction(
        wallet,
        kind,
        change,
        wallet.balanceAmount,
        reference,
        wallet.updatedAt,
      );
      em.persist(transaction);
      return transaction;
    });
  }

  private async lockWallet(em: EntityManager, userId: string): Promise<Wallet> {
    // `refresh` because a forked identity map may hold a stale balance read before the lock.
    const options = { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } as const;
    const wallet = await em.findOne(Wallet, { userId }, options);
    if (wallet) return wallet;
    await this.insertMissingWallet(em, userId);
    return em.findOneOrFail(Wallet, { userId }, options);
  }

  private async insertMissingWallet(em: EntityManager, userId: string): Promise<void> {
    const now = new Date();
    await em
      .createQueryBuilder(Wallet)
      .insert({
        id: newId(),
        userId,
        balanceAmount: 0,
        currency: this.currency,
        createdAt: now,
        updatedAt: now,
      })
      .onConflict('userId')
      .ignore()
      .execute();
  }
}
