/**
 * CPU profiles of a running Node process over its inspector (the Chrome DevTools protocol's
 * `Profiler` domain), so only the load window is recorded, not start-up; and a summary of a
 * `.cpuprofile`: the functions that spent the most time on the CPU themselves (self time).
 */
import WebSocket from 'ws';

/** The parts of a `.cpuprofile` the summary reads (the format DevTools and `--cpu-prof` write). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Profiler {
  stop(): Promise<CpuProfile>;
}

/** Attaches to the inspector listening on `port` (`node --inspect=127.0.0.1:<port>`) and starts profiling. */
export async function startProfiling(port: number, samplingIntervalUs = 200): Promise<Profiler> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 0;
  const waiting = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  socket.on('message', (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString()) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id !== undefined) waiting.get(message.id)?.(message);
  });
  const send = <T>(method: string, params: Record<string, unknown> = {}): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, (message) => {
        waiting.delete(id);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result as T);
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await send('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await send<{ profile: CpuProfile }>('Profiler.stop');
      socket.close();
      return profile;
    },
  };
}

export interface HotFunction {
  name: string;
  /** `file:line`, relative to the repository where possible. */
  location: string;
  selfMs: number;
  selfPercent: number;
}

/** Self time per function (by name and place), largest first; idle time is left out. */
export function topSelfTime(profile: CpuProfile, root: string, limit = 20): HotFunction[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, { name: string; location: string; us: number }>();
  let totalUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const node = byNode.get(nodeId);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    totalUs += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(`file://${root}/`, '').replace(/^file:\/\//, '');
    const location = file ? `${file}:${lineNumber + 1}` : '';
    const key = `${functionName}@${location}`;
    const entry = selfUs.get(key) ?? { name: functionName || '(anonymous)', location, us: 0 };
    entry.us += delta;
    selfUs.set(key, entry);
  });
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((entry) => ({
      name: entry.name,
      location: entry.location,
      selfMs: Math.round(entry.us / 100) / 10,
      selfPercent: totalUs === 0 ? 0 : Math.round((entry.us / totalUs) * 1000) / 10,
    }));
}

/** Time on the CPU (idle left out), in ms. */
export function busyMs(profile: CpuProfile): number {
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id),
  );
  const us = profile.samples.reduce(
    (sum, nodeId, index) => sum + (idle.has(nodeId) ? 0 : (profile.timeDeltas[index] ?? 0)),
    0,
  );
  return Math.round(us / 100) / 10;
}

/**
 * Time of the samples with a function named `functionName` anywhere on their stack (the function
 * and what it called), in ms: how much one suspect costs in all.
 */
export function inclusiveMs(profile: CpuProfile, functionName: string): number {
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  let us = 0;
  profile.samples.forEach((nodeId, index) => {
    for (let id: number | undefined = nodeId; id !== undefined; id = parentOf.get(id)) {
      if (names.get(id) === functionName) {
        us += profile.timeDeltas[index] ?? 0;
        return;
      }
    }
  });
  return Math.round(us / 100) / 10;
}
