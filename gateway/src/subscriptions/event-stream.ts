/** Thrown from the stream of a subscriber that fell too far behind. */
export class SlowSubscriberError extends Error {
  constructor(limit: number) {
    super(`More than ${limit} events were waiting to be sent; subscribe again to resume`);
    this.name = 'SlowSubscriberError';
  }
}

/**
 * The async generator graphql-ws reads one subscription's results from. The fan-out pushes
 * without waiting; the socket drains at its own pace. A subscriber whose socket cannot keep up
 * (more than `maxBuffered` results waiting) is ended with {@link SlowSubscriberError} rather than
 * buffering without bound. `onClose` runs exactly once, however the stream ends.
 */
export class EventStream<T> implements AsyncIterableIterator<T, undefined> {
  private readonly buffered: T[] = [];
  private waiting:
    { resolve: (result: IteratorResult<T, undefined>) => void; reject: (error: unknown) => void } | undefined;
  private failure: unknown;
  private closed = false;

  /** @param maxBuffered results kept for a slow socket before it is cut off. Default 1 000. */
  constructor(
    private readonly onClose: () => void,
    private readonly maxBuffered = 1_000,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Results waiting for the socket. */
  get backlog(): number {
    return this.buffered.length;
  }

  push(value: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    this.buffered.push(value);
    if (this.buffered.length > this.maxBuffered) this.fail(new SlowSubscriberError(this.maxBuffered));
  }

  /** Ends the stream with an error (sent to the client as an `error` message). */
  fail(error: unknown): void {
    if (this.closed) return;
    this.buffered.length = 0;
    this.failure = error;
    this.close();
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      this.failure = undefined;
      reject(error);
    }
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.buffered.length > 0) return Promise.resolve({ value: this.buffered.shift() as T, done: false });
    if (this.failure !== undefined) {
      const error = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.buffered.length = 0;
    this.failure = undefined;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T, undefined>> {
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    if (this.waiting && this.failure === undefined) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }
}
