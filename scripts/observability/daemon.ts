/**
 * A local server process of the observability tools (Zipkin, Prometheus): spawned with its output
 * in a log file, waited for until an HTTP readiness URL answers, recorded in a pid file so a
 * detached one can be stopped later, and stopped with SIGTERM (SIGKILL after a grace period).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DaemonOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  pidFile: string;
  /** Answers 2xx once the server is ready. */
  readyUrl: string;
  timeoutMs: number;
  /** Outlives this process (`npm run observability -- start --detach`, `npm start`). */
  detached: boolean;
}

export interface Daemon {
  name: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True when the URL answers 2xx within a second. */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await pause(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Stops the daemon recorded in a pid file (a detached one); false when none was running. */
export async function stopByPidFile(pidFile: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return false;
  }
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return false;
  await terminate(pid);
  return true;
}

/** Starts the server and resolves once `readyUrl` answers; fails with the log's tail otherwise. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const out = openSync(options.logFile, 'w');
  const child = spawn(options.command, options.args, {
    env: options.env ?? process.env,
    stdio: ['ignore', out, out],
    detached: options.detached,
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not run ${options.command}`);
  writeFileSync(options.pidFile, `${pid}\n`);
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async (): Promise<void> => {
    await terminate(pid);
    rmSync(options.pidFile, { force: true });
  };
  const deadline = Date.now() + options.timeoutMs;
  while (!(await answers(options.readyUrl))) {
    if (exited || Date.now() > deadline) {
      await stop();
      const log = readFileSync(options.logFile, 'utf8').split('\n').slice(-20).join('\n');
      throw new Error(
        `${options.name} ${exited ? 'exited during start-up' : `was not ready within ${options.timeoutMs} ms`} (${options.readyUrl}); tail of ${options.logFile}:\n${log}`,
      );
    }
    await pause(250);
  }
  if (options.detached) child.unref();
  return { name: options.name, pid, logFile: options.logFile, stop };
}
