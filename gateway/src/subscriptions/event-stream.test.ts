import { EventStream, SlowSubscriberError } from './event-stream';

describe('EventStream', () => {
  it('hands out pushed values in order, whether they arrive before or after next()', async () => {
    const stream = new EventStream<number>(() => undefined);
    stream.push(1);
    const waiting = stream.next();
    const second = stream.next();
    stream.push(2);
    expect(await waiting).toEqual({ value: 1, done: false });
    expect(await second).toEqual({ value: 2, done: false });
  });

  it('runs onClose exactly once and ends a waiting reader when returned', async () => {
    const onClose = jest.fn();
    const stream = new EventStream<number>(onClose);
    const waiting = stream.next();
    await stream.return();
    await stream.return();
    stream.push(3);
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('fails a subscriber that falls more than maxBuffered results behind', async () => {
    const onClose = jest.fn();
    const stream = new EventStream<number>(onClose, 2);
    stream.push(1);
    stream.push(2);
    stream.push(3);
    await expect(stream.next()).rejects.toBeInstanceOf(SlowSubscriberError);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects a waiting reader when failed', async () => {
    const stream = new EventStream<number>(() => undefined);
    const waiting = stream.next();
    stream.fail(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
  });
});
