import type { Logger } from './logger';

/** Anything with an idempotent `stop()`. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * The body of every `main.ts`: starts the service, stops it gracefully on SIGINT/SIGTERM
 * (bounded by `SHUTDOWN_TIMEOUT_MS`, default 10 s) and exits non-zero when start-up fails.
 */
export function runMain(log: Logger, start: () => Promise<Stoppable>): void {
  const timeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS || 10_000);
  start().then(
    (service) => {
      let shuttingDown = false;
      const shutdown = (signal: NodeJS.Signals): void => {
        if (shuttingDown) return;
        shuttingDown = true;
        log.info({ signal }, 'shutting down');
        const timer = setTimeout(() => {
          log.error('shutdown timed out');
          process.exit(1);
        }, timeoutMs);
        timer.unref();
        service.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    },
    (error: unknown) => {
      log.fatal({ err: error }, 'failed to start');
      process.exit(1);
    },
  );
}
