import { RetryBudget, TargetGuard, TargetUnavailableError, withTimeout, CallTimeoutError } from './retry';

class Unwell extends Error {}

const guardOf = (overrides: Partial<ConstructorParameters<typeof TargetGuard>[1]> = {}): TargetGuard =>
  new TargetGuard('product', {
    attempts: 3,
    budgetRatio: 1,
    breakerFailures: 100,
    halfOpenAfterMs: 1_000,
    initialDelayMs: 1,
    maxDelayMs: 1,
    isFailure: (error) => error instanceof Unwell,
    ...overrides,
  });

describe('RetryBudget', () => {
  it('allows retries as a share of calls, and refuses once they are spent', () => {
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0, max: 1 });
    expect(budget.withdraw()).toBe(true);
    expect(budget.withdraw()).toBe(false);
    budget.deposit();
    expect(budget.withdraw()).toBe(false);
    budget.deposit();
    expect(budget.withdraw()).toBe(true);
  });
});

describe('TargetGuard', () => {
  it('retries a failure of the target up to its attempts, then reports it unavailable', async () => {
    const call = jest.fn(async () => {
      throw new Unwell('down');
    });
    await expect(guardOf().execute(call, true)).rejects.toMatchObject({ reason: 'failed' });
    expect(call).toHaveBeenCalledTimes(3);
  });

  it('does not repeat a call that is not idempotent', async () => {
    const call = jest.fn(async () => {
      throw new Unwell('down');
    });
    await expect(guardOf().execute(call, false)).rejects.toBeInstanceOf(TargetUnavailableError);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('passes an error that is no failure of the target through, untried again', async () => {
    const refusal = new Error('not found');
    const call = jest.fn(async () => {
      throw refusal;
    });
    await expect(guardOf().execute(call, true)).rejects.toBe(refusal);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('stops retrying when the budget is spent', async () => {
    // Calls earn nothing (ratio 0): only the 50 saved tokens and a trickle of 5 a second pay for retries.
    const guard = guardOf({ budgetRatio: 0, breakerFailures: 10_000 });
    const calls: number[] = [];
    for (let index = 0; index < 60; index += 1) {
      let attempts = 0;
      await guard
        .execute(async () => {
          attempts += 1;
          throw new Unwell('down');
        }, true)
        .catch(() => undefined);
      calls.push(attempts);
    }
    // Far fewer than the 120 retries asked for, and the last call is not retried at all.
    const retries = calls.reduce((sum, attempts) => sum + attempts - 1, 0);
    expect(retries).toBeLessThan(60);
    expect(calls.at(-1)).toBe(1);
  });

  it('opens after consecutive failures and then fails fast without calling', async () => {
    const guard = guardOf({ breakerFailures: 2, attempts: 1 });
    const call = jest.fn(async () => {
      throw new Unwell('down');
    });
    await guard.execute(call, true).catch(() => undefined);
    await guard.execute(call, true).catch(() => undefined);
    expect(guard.open).toBe(true);
    await expect(guard.execute(call, true)).rejects.toMatchObject({ reason: 'circuit-open' });
    expect(call).toHaveBeenCalledTimes(2);
  });
});

describe('withTimeout', () => {
  it('reports an attempt that outlives its timeout as CallTimeoutError, and aborts its signal', async () => {
    let attemptSignal: AbortSignal | undefined;
    const attempt = withTimeout(20, undefined, (signal) => {
      attemptSignal = signal;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    });
    await expect(attempt).rejects.toBeInstanceOf(CallTimeoutError);
    expect(attemptSignal?.aborted).toBe(true);
  });

  it("reports the caller's abort as the caller's reason", async () => {
    const caller = new AbortController();
    const attempt = withTimeout(10_000, caller.signal, (signal) => {
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    });
    caller.abort(new Error('gone'));
    await expect(attempt).rejects.toThrow('gone');
  });
});
