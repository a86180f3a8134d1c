/**
 * The local observability tools, without Docker: Zipkin (trace UI, :9411) and Prometheus (:9090,
 * scraping every service's metrics port, with the repository's SLO rules and alerts).
 *
 *   npm run observability -- start [--detach]   foreground (Ctrl-C stops both) or background
 *   npm run observability -- stop               stops the ones a detached start left running
 *
 * `npm start -- --observability` starts them the same way and points the services at Zipkin.
 */
import type { Daemon } from './daemon';
import { ensurePrometheus, prometheusPort, stopPrometheus } from './prometheus';
import { ensureZipkin, stopZipkin, zipkinUrl } from './zipkin';

export interface Observability {
  zipkinUrl: string;
  prometheusUrl: string;
  /** Stops what this call started (a running one that was reused is left alone). */
  stop(): Promise<void>;
}

/** Starts (or reuses) Zipkin and Prometheus side by side. */
export async function ensureObservability({
  detached,
  log,
}: {
  detached: boolean;
  log: (message: string) => void;
}): Promise<Observability> {
  const results = await Promise.allSettled([
    ensureZipkin({ detached, log }),
    ensurePrometheus({ detached, log }),
  ]);
  const started = results.flatMap((result) =>
    result.status === 'fulfilled' && result.value ? [result.value] : [],
  );
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((daemon: Daemon) => daemon.stop()));
  };
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { zipkinUrl: zipkinUrl(), prometheusUrl: `http://127.0.0.1:${prometheusPort()}`, stop };
}

async function cli(argv: string[]): Promise<void> {
  const log = (message: string): void => console.log(message);
  if (argv[0] === 'stop') {
    const stopped = await Promise.all([stopZipkin(), stopPrometheus()]);
    log(stopped.some(Boolean) ? 'stopped' : 'nothing was running');
    return;
  }
  if (argv[0] !== 'start') throw new Error('usage: npm run observability -- start [--detach] | stop');
  const detached = argv.includes('--detach');
  const tools = await ensureObservability({ detached, log });
  log(`traces (Zipkin): ${tools.zipkinUrl}\nmetrics (Prometheus): ${tools.prometheusUrl}`);
  if (detached) return;
  log('Ctrl-C stops them.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await tools.stop();
}

if (require.main === module) {
  cli(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
