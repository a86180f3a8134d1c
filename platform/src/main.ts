import { loadConfig } from './config';
import { createLogger, type Logger } from './logger';
import { migrateSubgraph, startSubgraph, type SubgraphDefinition } from './subgraph';

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

/**
 * The whole `main.ts` of a subgraph: configuration from the environment, then either serve, or
 * with `MIGRATE_ONLY=true` apply migrations (and seed) and exit.
 */
export function runSubgraph<TLoaders, TServices>(definition: SubgraphDefinition<TLoaders, TServices>): void {
  const config = loadConfig(definition.name);
  const log = createLogger(definition.name, config.logLevel);
  if (process.env.MIGRATE_ONLY === 'true') {
    migrateSubgraph(definition, { config, log }).then(
      (applied) => {
        log.info({ migrations: applied }, 'database is up to date');
        process.exit(0);
      },
      (error: unknown) => {
        log.fatal({ err: error }, 'migration failed');
        process.exit(1);
      },
    );
    return;
  }
  runMain(log, () => startSubgraph(definition, { config, log }));
}
