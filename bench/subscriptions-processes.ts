/** Child processes of `bench/subscriptions.ts` and request/response over their IPC channels. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export type Call = <T>(command: Record<string, unknown> & { type: string }) => Promise<T>;

/** Request/response over a child's IPC channel. */
export function rpc(child: ChildProcess): Call {
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`child exited with code ${code}`));
    pending.clear();
  });
  return <T>(command: Record<string, unknown> & { type: string }) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...command, id });
    });
}

/** Every child started, so the benchmark can stop them whatever happens. */
export const children: ChildProcess[] = [];
/** Starts a TypeScript child of the benchmark with IPC (and `gc()` exposed). */
export function spawnChild(file: string): ChildProcess {
  const child = fork(join(__dirname, file), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'warn' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return child;
}

export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
