import { createTokenSigner, newId, type Role } from '@marketplace/platform';
import {
  errorCodes,
  graphql,
  pendingSchemaChanges,
  startTestSubgraph,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { paymentStateMachine, type PaymentStatus } from '../src/domain/payment-state';
import { InsufficientFundsError, MAX_BALANCE_AMOUNT } from '../src/domain/wallet';
import type { PaymentServices } from '../src/context';
import { Payment } from '../src/entities/payment.entity';
import { paymentSubgraph } from '../src/server';

const TOP_UP = /* GraphQL */ `
  mutation TopUp($amount: Int!) {
    topUpWallet(amount: $amount) {
      id
      balance {
        amount
        currency
      }
    }
  }
`;
const WALLET_OF_USER = /* GraphQL */ `
  query WalletOfUser($representations: [_Any!]!, $first: Int, $after: String) {
    _entities(representations: $representations) {
      ... on User {
        id
        wallet {
          id
          balance {
            amount
            currency
          }
          transactions(first: $first, after: $after) {
            totalCount
            pageInfo {
              hasNextPage
              hasPreviousPage
              endCursor
            }
            edges {
              cursor
              node {
                kind
                amount {
                  amount
                  currency
                }
                balanceAfter {
                  amount
                }
                createdAt
              }
            }
          }
        }
      }
    }
  }
`;
const ORDER_PAYMENT = /* GraphQL */ `
  query OrderPayment($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Order {
        id
        payment {
          id
          status
          amount {
            amount
            currency
          }
          failureReason
          createdAt
        }
      }
    }
  }
`;
const PAYMENT = /* GraphQL */ `
  query Payment($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Payment {
        id
        status
        amount {
          amount
        }
      }
    }
  }
`;

interface WalletView {
  id: string;
  balance: { amount: number; currency: string };
  transactions: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: {
      cursor: string;
      node: { kind: string; amount: { amount: number; currency: string }; balanceAfter: { amount: number } };
    }[];
  };
}
interface PaymentView {
  id: string;
  status: string;
  amount: { amount: number; currency: string };
  failureReason: string | null;
}

let service: TestSubgraph<PaymentServices>;
let sign: (user: { id: string; role: Role }) => string;

const customer = () => {
  const id = newId();
  return { id, token: sign({ id, role: 'CUSTOMER' }) };
};
const context = () => ({ em: service.orm.em.fork() });
const topUp = (token: string | null, amount: number) =>
  graphql<{ topUpWallet: { id: string; balance: { amount: number; currency: string } } }>(
    service.url,
    TOP_UP,
    { amount },
    token,
  );
const walletOf = (userId: string, token: string | null, page: { first?: number; after?: string } = {}) =>
  graphql<{ _entities: ({ id: string; wallet: WalletView } | null)[] }>(
    service.url,
    WALLET_OF_USER,
    { representations: [{ __typename: 'User', id: userId }], ...page },
    token,
  );
const orderPayment = (orderIds: string[], token: string | null) =>
  graphql<{ _entities: ({ id: string; payment: PaymentView | null } | null)[] }>(
    service.url,
    ORDER_PAYMENT,
    { representations: orderIds.map((id) => ({ __typename: 'Order', id })) },
    token,
  );
const balanceOf = async (userId: string) =>
  (await service.services.wallets.openWallet(context(), userId)).balanceAmount;
/** The ledger with its `bigint` amounts (strings from pg) as numbers. */
const ledgerOf = async (userId: string) =>
  (
    await service.orm.em
      .getConnection()
      .execute<{ kind: string; amount: string; balance_after: string; reference: string | null }[]>(
        `select t.kind, t.amount, t.balance_after, t.reference from wallet_transactions t
         join wallets w on w.id = t.wallet_id where w.user_id = ? order by t.balance_after`,
        [userId],
      )
  ).map((line) => ({ ...line, amount: Number(line.amount), balance_after: Number(line.balance_after) }));

beforeAll(async () => {
  service = await startTestSubgraph(paymentSubgraph);
  sign = createTokenSigner(service.config.jwtSecret, '1h').sign;
});
afterAll(() => service.destroy());

describe('payment subgraph: wallets', () => {
  it('opens an empty wallet in the shop currency the first time a user reads it, once', async () => {
    const anna = customer();
    const [first, second] = await Promise.all([walletOf(anna.id, anna.token), walletOf(anna.id, anna.token)]);
    expect([first, second].flatMap(errorCodes)).toEqual([]);
    expect(first.data?._entities[0]?.wallet).toMatchObject({
      balance: { amount: 0, currency: 'RUB' },
      transactions: { totalCount: 0, edges: [] },
    });
    expect(second.data?._entities[0]?.wallet.id).toBe(first.data?._entities[0]?.wallet.id);
    const rows = await service.orm.em
      .getConnection()
      .execute(`select id from wallets where user_id = ?`, [anna.id]);
    expect(rows).toHaveLength(1);
  });

  it('resolves a User entity with its wallet for the user and administrators only (@key id)', async () => {
    const owner = customer();
    await topUp(owner.token, 500);
    const admin = sign({ id: newId(), role: 'ADMIN' });

    const own = await walletOf(owner.id, owner.token);
    expect(own.data?._entities[0]).toMatchObject({ id: owner.id, wallet: { balance: { amount: 500 } } });
    const byAdmin = await walletOf(owner.id, admin);
    expect(byAdmin.data?._entities[0]?.wallet.balance.amount).toBe(500);

    expect(errorCodes(await walletOf(owner.id, customer().token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await walletOf(owner.id, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('tops up the signed-in user’s wallet and records the movement', async () => {
    const anna = customer();
    const first = await topUp(anna.token, 150_000);
    expect(first.errors).toBeUndefined();
    expect(first.data?.topUpWallet.balance).toEqual({ amount: 150_000, currency: 'RUB' });
    const second = await topUp(anna.token, 2_500);
    expect(second.data?.topUpWallet).toEqual({
      id: first.data?.topUpWallet.id,
      balance: { amount: 152_500, currency: 'RUB' },
    });

    const wallet = (await walletOf(anna.id, anna.token)).data?._entities[0]?.wallet;
    expect(wallet?.transactions.edges.map(({ node }) => node)).toEqual([
      expect.objectContaining({
        kind: 'TOP_UP',
        amount: { amount: 2_500, currency: 'RUB' },
        balanceAfter: { amount: 152_500 },
      }),
      expect.objectContaining({ kind: 'TOP_UP', amount: { amount: 150_000, currency: 'RUB' } }),
    ]);
  });

  it('refuses a top-up from an anonymous caller with UNAUTHENTICATED', async () => {
    const result = await topUp(null, 100);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it.each([0, -100, 100_000_001])('refuses a top-up of %d with BAD_USER_INPUT on amount', async (amount) => {
    const anna = customer();
    const result = await topUp(anna.token, amount);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe('amount');
    expect(await balanceOf(anna.id)).toBe(0);
  });

  it('refuses a fractional top-up with BAD_USER_INPUT', async () => {
    const result = await topUp(customer().token, 1.5);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a top-up that would take the balance past the top-up limit, leaving it unchanged; a refund passes', async () => {
    const rich = customer();
    await service.services.wallets.openWallet(context(), rich.id);
    await service.orm.em
      .getConnection()
      .execute(`update wallets set balance_amount = ? where user_id = ?`, [MAX_BALANCE_AMOUNT - 10, rich.id]);
    const result = await topUp(rich.token, 11);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe('amount');
    expect(await balanceOf(rich.id)).toBe(MAX_BALANCE_AMOUNT - 10);
    await service.services.wallets.credit(context(), rich.id, 11, newId());
    expect(await balanceOf(rich.id)).toBe(MAX_BALANCE_AMOUNT + 1);
  });

  it('loses no money when 20 top-ups of one wallet run concurrently', async () => {
    const anna = customer();
    const amounts = Array.from({ length: 20 }, (_, index) => (index + 1) * 100);
    const results = await Promise.all(amounts.map((amount) => topUp(anna.token, amount)));
    expect(results.flatMap(errorCodes)).toEqual([]);

    const total = amounts.reduce((sum, amount) => sum + amount, 0);
    expect(await balanceOf(anna.id)).toBe(total);
    const ledger = await ledgerOf(anna.id);
    expect(ledger).toHaveLength(20);
    // Each movement saw the balance left by the one before it: a running sum with no gaps.
    let running = 0;
    for (const line of ledger) {
      running += line.amount;
      expect(line.balance_after).toBe(running);
    }
    // And the history reads back newest first in exactly that order.
    const history = (await walletOf(anna.id, anna.token, { first: 20 })).data?._entities[0]?.wallet
      .transactions;
    expect(history?.edges.map(({ node }) => node.balanceAfter.amount)).toEqual(
      ledger.map((line) => line.balance_after).reverse(),
    );
  });

  it('pages through the ledger newest first with cursors', async () => {
    const anna = customer();
    for (const amount of [100, 200, 300]) await topUp(anna.token, amount);

    const first = (await walletOf(anna.id, anna.token, { first: 2 })).data?._entities[0]?.wallet.transactions;
    expect(first?.totalCount).toBe(3);
    expect(first?.edges.map(({ node }) => node.amount.amount)).toEqual([300, 200]);
    expect(first?.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const after = first!.pageInfo.endCursor!;
    const second = (await walletOf(anna.id, anna.token, { first: 2, after })).data?._entities[0]?.wallet
      .transactions;
    expect(second?.edges.map(({ node }) => node.amount.amount)).toEqual([100]);
    expect(second?.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it.each([
    ['a malformed cursor', { after: 'nonsense' }, 'after'],
    ['a page size of 0', { first: 0 }, 'first'],
    ['a page size over 100', { first: 101 }, 'first'],
  ])('refuses %s with BAD_USER_INPUT', async (_case, page, field) => {
    const anna = customer();
    const result = await walletOf(anna.id, anna.token, page);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe(field);
  });
});

describe('payment subgraph: debit and credit', () => {
  it('debits a wallet and refuses a debit larger than the balance with InsufficientFundsError', async () => {
    const anna = customer();
    await topUp(anna.token, 1_000);
    const line = await service.services.wallets.debit(context(), anna.id, 400, 'payment-1');
    expect(line).toMatchObject({ kind: 'PAYMENT', amount: -400, balanceAfter: 600, reference: 'payment-1' });

    const refused = service.services.wallets.debit(context(), anna.id, 601, 'payment-2');
    await expect(refused).rejects.toThrow(InsufficientFundsError);
    await expect(refused).rejects.toMatchObject({ balance: 600, requested: 601 });
    expect(await balanceOf(anna.id)).toBe(600);
    expect(await ledgerOf(anna.id)).toHaveLength(2);
  });

  it('never takes the balance below zero when debits race', async () => {
    const anna = customer();
    await topUp(anna.token, 100);
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) =>
        service.services.wallets.debit(context(), anna.id, 30, `race-${anna.id}-${index}`),
      ),
    );
    const succeeded = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const refused = attempts.filter(
      (attempt) => attempt.status === 'rejected' && attempt.reason instanceof InsufficientFundsError,
    );
    expect(succeeded).toHaveLength(3);
    expect(refused).toHaveLength(7);
    expect(await balanceOf(anna.id)).toBe(10);
    expect((await ledgerOf(anna.id)).map((line) => line.balance_after)).toEqual([10, 40, 70, 100]);
  });

  it('debits a payment once, even when the same debit is repeated concurrently', async () => {
    const anna = customer();
    await topUp(anna.token, 1_000);
    const paymentId = newId();
    const lines = await Promise.all(
      [1, 2, 3].map(() => service.services.wallets.debit(context(), anna.id, 250, paymentId)),
    );
    expect(new Set(lines.map((line) => line.id)).size).toBe(1);
    expect(await balanceOf(anna.id)).toBe(750);
  });

  it('credits a refund once per payment', async () => {
    const anna = customer();
    await topUp(anna.token, 1_000);
    const paymentId = newId();
    await service.services.wallets.debit(context(), anna.id, 800, paymentId);
    const refund = await service.services.wallets.credit(context(), anna.id, 800, paymentId);
    const again = await service.services.wallets.credit(context(), anna.id, 800, paymentId);
    expect(refund).toMatchObject({ kind: 'REFUND', amount: 800, balanceAfter: 1_000 });
    expect(again.id).toBe(refund.id);
    expect(await balanceOf(anna.id)).toBe(1_000);
  });

  it('keeps a negative balance out of the database itself', async () => {
    const anna = customer();
    await service.services.wallets.openWallet(context(), anna.id);
    await expect(
      service.orm.em
        .getConnection()
        .execute(`update wallets set balance_amount = -1 where user_id = ?`, [anna.id]),
    ).rejects.toThrow(/wallets_balance_amount_check/);
  });
});

describe('payment subgraph: payments', () => {
  /**
   * A payment attempt as a fixture, moved along the state machine (`payOrder` and the refund make
   * them in production; the saga tests cover those paths).
   */
  const createPayment = async (
    orderId: string,
    userId: string,
    amount = 4_990,
    ...steps: PaymentStatus[]
  ) => {
    const payment = new Payment(orderId, userId, amount, 'RUB');
    for (const step of steps) paymentStateMachine.transition(payment, step);
    if (steps.includes('FAILED')) payment.failureReason = 'Insufficient funds';
    await context().em.persistAndFlush(payment);
    return payment;
  };

  it('resolves an order’s latest payment for its buyer and administrators (@key Order id)', async () => {
    const buyer = customer();
    const orderId = newId();
    await createPayment(orderId, buyer.id, 4_990, 'FAILED');
    const retry = await createPayment(orderId, buyer.id, 4_990, 'SUCCEEDED');

    const own = await orderPayment([orderId], buyer.token);
    expect(own.errors).toBeUndefined();
    expect(own.data?._entities[0]).toEqual({
      id: orderId,
      payment: expect.objectContaining({
        id: retry.id,
        status: 'SUCCEEDED',
        amount: { amount: 4_990, currency: 'RUB' },
        failureReason: null,
      }),
    });
    const byAdmin = await orderPayment([orderId], sign({ id: newId(), role: 'ADMIN' }));
    expect(byAdmin.data?._entities[0]?.payment?.id).toBe(retry.id);
  });

  it('answers null for an order without a payment', async () => {
    const buyer = customer();
    const result = await orderPayment([newId()], buyer.token);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities[0]?.payment).toBeNull();
  });

  it('refuses an order’s payment to another customer (FORBIDDEN) and to anonymous callers', async () => {
    const buyer = customer();
    const orderId = newId();
    await createPayment(orderId, buyer.id);
    expect(errorCodes(await orderPayment([orderId], customer().token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await orderPayment([orderId], null))).toEqual(['UNAUTHENTICATED']);
  });

  it('loads the payments of many orders in one query', async () => {
    const buyer = customer();
    const orderIds = [newId(), newId(), newId()];
    for (const orderId of orderIds) await createPayment(orderId, buyer.id);
    service.resetQueries();
    const result = await orderPayment(orderIds, buyer.token);
    expect(result.data?._entities.map((order) => order?.payment?.status)).toEqual([
      'PENDING',
      'PENDING',
      'PENDING',
    ]);
    expect(service.queries.filter((sql) => /from "payments"/.test(sql))).toHaveLength(1);
  });

  it('resolves a Payment entity for its buyer and refuses everyone else (@key id)', async () => {
    const buyer = customer();
    const payment = await createPayment(newId(), buyer.id, 1_234);
    const representations = [{ __typename: 'Payment', id: payment.id }];

    const own = await graphql<{ _entities: PaymentView[] }>(
      service.url,
      PAYMENT,
      { representations },
      buyer.token,
    );
    expect(own.data?._entities).toEqual([{ id: payment.id, status: 'PENDING', amount: { amount: 1_234 } }]);

    const foreign = await graphql(service.url, PAYMENT, { representations }, customer().token);
    expect(errorCodes(foreign)).toEqual(['FORBIDDEN']);
    const anonymous = await graphql(service.url, PAYMENT, { representations });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('resolves many Payment references with one query and unknown ones as null', async () => {
    const buyer = customer();
    const first = await createPayment(newId(), buyer.id);
    const second = await createPayment(newId(), buyer.id);
    service.resetQueries();
    const result = await graphql<{ _entities: (PaymentView | null)[] }>(
      service.url,
      PAYMENT,
      {
        representations: [second.id, newId(), first.id, 'not-an-id'].map((id) => ({
          __typename: 'Payment',
          id,
        })),
      },
      buyer.token,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((payment) => payment?.id ?? null)).toEqual([
      second.id,
      null,
      first.id,
      null,
    ]);
    expect(service.queries.filter((sql) => /from "payments"/.test(sql))).toHaveLength(1);
  });

  it('keeps a second charge of one order out of the database itself, also after a refund', async () => {
    const orderId = newId();
    await createPayment(orderId, newId(), 4_990, 'SUCCEEDED', 'REFUNDED');
    const insertAttempt = (status: PaymentStatus) =>
      service.orm.em
        .getConnection()
        .execute(
          `insert into payments (id, order_id, user_id, amount, currency, status) values (?, ?, ?, 100, 'RUB', ?)`,
          [newId(), orderId, newId(), status],
        );
    await expect(insertAttempt('SUCCEEDED')).rejects.toThrow(/payments_order_id_charged_unique/);
    await expect(insertAttempt('FAILED')).resolves.toBeDefined();
  });
});

describe('payment subgraph: schema', () => {
  it('keeps the database schema in step with the entities', async () => {
    expect(await pendingSchemaChanges(service.orm)).toBe('');
  });
});
