import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import {
  CallRateLimiter,
  closeRedis,
  createLogger,
  createRedis,
  loadConfig,
  redisReady,
  SharedRateLimit,
} from '@marketplace/platform';
import { eventually, uniquePrefix } from '@marketplace/platform/testing';

const log = createLogger('rate-limit-test', 'silent');
const { redisUrl } = loadConfig('test');
/** Nothing listens there: a Redis that is down. */
const CLOSED_REDIS_URL = 'redis://127.0.0.1:1';

const clients: Redis[] = [];
/** A connection of its own, like one replica's. */
async function replica(url = redisUrl): Promise<Redis> {
  const redis = createRedis(url, log);
  clients.push(redis);
  if (url !== CLOSED_REDIS_URL) expect(await redisReady(redis, 5_000)).toBe(true);
  return redis;
}
afterAll(() => Promise.all(clients.map(closeRedis)));

const limitOn = (redis: Redis, keyPrefix: string, points: number): SharedRateLimit =>
  new SharedRateLimit({ redis, keyPrefix, points, durationSeconds: 60, log });

describe('SharedRateLimit', () => {
  it('shares one budget between replicas', async () => {
    const keyPrefix = `${uniquePrefix()}:ip`;
    const [a, b] = [limitOn(await replica(), keyPrefix, 3), limitOn(await replica(), keyPrefix, 3)];
    expect(await a.consume('10.0.0.1')).toEqual({ allowed: true });
    expect(await b.consume('10.0.0.1')).toEqual({ allowed: true });
    expect(await a.consume('10.0.0.1')).toEqual({ allowed: true });
    const refused = await b.consume('10.0.0.1');
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.retryAfterMs).toBeGreaterThan(0);
    expect(await b.consume('10.0.0.2')).toEqual({ allowed: true });
  });

  it('checks without counting, blocks for a while, and forgets a key on reset', async () => {
    const limit = limitOn(await replica(), `${uniquePrefix()}:failures`, 2);
    await limit.consume('someone');
    expect(await limit.check('someone')).toEqual({ allowed: true });
    expect(await limit.check('someone')).toEqual({ allowed: true });
    await limit.block('someone', 30);
    const blocked = await limit.check('someone');
    expect(blocked.allowed).toBe(false);
    expect(!blocked.allowed && blocked.retryAfterMs).toBeGreaterThan(20_000);
    await limit.reset('someone');
    expect(await limit.check('someone')).toEqual({ allowed: true });
  });

  it('fails open with one warning while Redis is unreachable', async () => {
    const warn = jest.spyOn(log, 'warn');
    const redis = await replica(CLOSED_REDIS_URL);
    const limit = limitOn(redis, `${uniquePrefix()}:ip`, 1);
    for (let request = 0; request < 5; request += 1) {
      expect(await limit.consume('10.0.0.1')).toEqual({ allowed: true });
    }
    expect(await limit.check('10.0.0.1')).toEqual({ allowed: true });
    // Reconnection attempts keep failing (past the first, logged): the outage stays one line.
    await eventually(() => warn.mock.calls.length > 0, { timeoutMs: 3_000, message: 'the outage warning' });
    let reconnects = 0;
    redis.on('reconnecting', () => (reconnects += 1));
    await eventually(() => reconnects >= 2, { timeoutMs: 3_000, message: 'two more connection attempts' });
    expect(await limit.consume('10.0.0.1')).toEqual({ allowed: true });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

/** A TCP proxy to the real Redis that a test can cut and restore, as if Redis went down and came back. */
async function redisProxy(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void> }> {
  const target = new URL(redisUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    server = createServer((client) => {
      const upstream = connectTcp(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : port;
  };
  await listen();
  return {
    url: `redis://127.0.0.1:${port}`,
    cut: async () => {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    restore: listen,
  };
}

describe('createRedis', () => {
  it('warns once when Redis goes away, fails open meanwhile, and counts again once it is back', async () => {
    const proxy = await redisProxy();
    const warn = jest.spyOn(log, 'warn');
    const info = jest.spyOn(log, 'info');
    const redis = await replica(proxy.url);
    const limit = limitOn(redis, `${uniquePrefix()}:ip`, 1);
    expect(await limit.consume('10.0.0.1')).toEqual({ allowed: true });
    expect((await limit.consume('10.0.0.1')).allowed).toBe(false);

    await proxy.cut();
    await eventually(() => warn.mock.calls.length > 0, { timeoutMs: 3_000, message: 'the outage warning' });
    for (let request = 0; request < 3; request += 1) {
      expect(await limit.consume('10.0.0.1')).toEqual({ allowed: true });
    }
    expect(warn).toHaveBeenCalledTimes(1);

    await proxy.restore();
    expect(await redisReady(redis, 5_000)).toBe(true);
    expect(info).toHaveBeenCalledWith(expect.anything(), 'Redis available again');
    expect((await limit.consume('10.0.0.1')).allowed).toBe(false);
    await closeRedis(redis);
    await proxy.cut();
    warn.mockRestore();
    info.mockRestore();
  });
});

describe('CallRateLimiter', () => {
  it('lets two replicas together make about 10 calls a second', async () => {
    const keyPrefix = `${uniquePrefix()}:calls`;
    const perSecond = 10;
    const limiters = [await replica(), await replica()].map(
      (redis) => new CallRateLimiter({ redis, keyPrefix, target: 'product', perSecond, log }),
    );
    const windowMs = 3_000;
    const deadline = Date.now() + windowMs;
    let calls = 0;
    // Eight callers per replica, each calling again as soon as it gets a slot.
    const caller = async (limiter: CallRateLimiter): Promise<void> => {
      while (Date.now() < deadline) {
        const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
        const acquired = await limiter.acquire(signal).then(
          () => true,
          () => false,
        );
        if (acquired && Date.now() <= deadline) calls += 1;
      }
    };
    await Promise.all(limiters.flatMap((limiter) => Array.from({ length: 8 }, () => caller(limiter))));
    // One-second windows: a 3 s span touches at most 4 of them.
    expect(calls).toBeLessThanOrEqual(perSecond * (windowMs / 1_000) + perSecond);
    expect(calls).toBeGreaterThanOrEqual(perSecond * (windowMs / 1_000) * 0.5);
  });

  it('fails a call with SERVICE_UNAVAILABLE when no slot frees before its deadline', async () => {
    const limiter = new CallRateLimiter({
      redis: await replica(),
      keyPrefix: `${uniquePrefix()}:calls`,
      target: 'product',
      perSecond: 1,
      log,
    });
    await limiter.acquire();
    await expect(limiter.acquire(AbortSignal.timeout(100))).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    // A caller that never gives up still waits no longer than the call's own timeout.
    const patient = new CallRateLimiter({
      redis: await replica(),
      keyPrefix: `${uniquePrefix()}:calls`,
      target: 'product',
      perSecond: 1,
      maxWaitMs: 100,
      log,
    });
    await patient.acquire();
    await expect(patient.acquire(new AbortController().signal)).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it('lets calls through while Redis is unreachable', async () => {
    const limiter = new CallRateLimiter({
      redis: await replica(CLOSED_REDIS_URL),
      keyPrefix: `${uniquePrefix()}:calls`,
      target: 'product',
      perSecond: 1,
      log,
    });
    for (let call = 0; call < 3; call += 1) await limiter.acquire(AbortSignal.timeout(1_000));
  });
});
