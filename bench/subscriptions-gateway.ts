/**
 * The gateway of `bench/subscriptions.ts`, in a process of its own so its heap and event loop are
 * measured alone. Driven over IPC by the benchmark; not meant to be run by hand.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadGatewayConfig } from '../gateway/src/config';
import { startGateway, type RunningGateway } from '../gateway/src/server';

export type GatewayCommand =
  | { id: number; type: 'start'; supergraphSdl: string; kafkaNamespace: string; kafkaBrokers: string[] }
  | { id: number; type: 'cpu'; since?: NodeJS.CpuUsage }
  | { id: number; type: 'profile-start' }
  | { id: number; type: 'profile-stop'; file: string }
  | { id: number; type: 'stats' | 'memory' | 'loop-delay' | 'stop' };

let gateway: RunningGateway | undefined;
let profiler: Session | undefined;
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

const collectGarbage = (): void => {
  // --expose-gc makes `gc` available; without it memory figures include garbage.
  (globalThis as { gc?: () => void }).gc?.();
};

/** Far more sockets than any bench run opens. */
const SUBSCRIBERS_MAX = 1_000_000;

async function handle(command: GatewayCommand): Promise<unknown> {
  switch (command.type) {
    case 'start': {
      const base = loadGatewayConfig();
      gateway = await startGateway({
        config: {
          ...base,
          port: 0,
          host: '127.0.0.1',
          explorer: false,
          kafkaNamespace: command.kafkaNamespace,
          kafkaBrokers: command.kafkaBrokers,
          subscriptions: { ...base.subscriptions, instanceId: `bench-${process.pid}` },
          // One machine plays a thousand clients: the edge's per-IP and per-user budgets would refuse it.
          rateLimits: { ...base.rateLimits, perIpPerMinute: 0, perUserPerMinute: 0 },
          caps: { ...base.caps, maxSocketsPerIp: SUBSCRIBERS_MAX, maxSocketsPerUser: SUBSCRIBERS_MAX },
        },
        supergraphSdl: command.supergraphSdl,
      });
      return { url: gateway.url };
    }
    case 'stats':
      return {
        subscriptions: gateway?.subscriptions?.fanOut.size ?? 0,
        connections: gateway?.subscriptions?.connectionCount() ?? 0,
        consuming: gateway?.subscriptions?.source.consuming ?? false,
      };
    case 'profile-start':
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      return {};
    case 'profile-stop': {
      const result = await profiler?.post('Profiler.stop');
      if (result) writeFileSync(command.file, JSON.stringify(result.profile));
      profiler?.disconnect();
      profiler = undefined;
      return {};
    }
    case 'cpu':
      return process.cpuUsage(command.since);
    case 'memory':
      collectGarbage();
      collectGarbage();
      return process.memoryUsage();
    case 'loop-delay': {
      const ms = (nanoseconds: number): number => Math.round(nanoseconds / 1e4) / 100;
      const result = {
        p50: ms(loopDelay.percentile(50)),
        p99: ms(loopDelay.percentile(99)),
        max: ms(loopDelay.max),
      };
      loopDelay.reset();
      return result;
    }
    case 'stop':
      await gateway?.stop();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (command: GatewayCommand) => {
  handle(command).then(
    (result) => process.send?.({ id: command.id, result }),
    (error: unknown) => process.send?.({ id: command.id, error: String(error) }),
  );
});
// The benchmark owns this process: never outlive it.
process.on('disconnect', () => process.exit(1));
