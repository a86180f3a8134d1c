import { isEphemeralJwtSecret, loadConfig, type PlatformConfig } from './config';
import { createLogger, type Logger } from './logger';
import { migrateSubgraph, startSubgraph, type SubgraphDefinition } from './subgraph';
import { stopTracing } from './telemetry/tracing';

/** Anything with an idempotent `stop()`. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * The body of every `main.ts`: starts the service, stops it gracefully on SIGINT/SIGTERM
 * (bounded by `SHUTDOWN_TIMEOUT_MS`) and exits non-zero when start-up fails.
 */
export function runMain(
  log: Logger,
  config: Pick<PlatformConfig, 'shutdownTimeoutMs'>,
  start: () => Promise<Stoppable>,
): void {
  start().then(
    (service) => {
      let shuttingDown = false;
      const shutdown = (signal: NodeJS.Signals): void => {
        if (shuttingDown) return;
        shuttingDown = true;
        const startedAt = Date.now();
        log.info({ signal }, 'shutting down');
        const timer = setTimeout(() => {
          log.error({ limitMs: config.shutdownTimeoutMs }, 'shutdown timed out');
          process.exit(1);
        }, config.shutdownTimeoutMs);
        timer.unref();
        // Spans still buffered are exported before the process ends.
        service
          .stop()
          .then(stopTracing)
          .then(
            () => {
              log.info({ tookMs: Date.now() - startedAt }, 'stopped');
              process.exit(0);
            },
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

/** Reads the configuration, or prints what is wrong with it and exits non-zero. */
export function configurationOrExit<TConfig>(read: () => TConfig): TConfig {
  try {
    return read();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

/** A process signing with its own random secret cannot share tokens with other services: say so. */
export function warnIfEphemeralJwtSecret(log: Logger, config: Pick<PlatformConfig, 'jwtSecret'>): void {
  if (isEphemeralJwtSecret(config.jwtSecret)) {
    log.warn(
      'JWT_SECRET is not set: this process signs and verifies tokens with a random secret of its own, ' +
        'so other services refuse its tokens; `npm start` sets one secret for the whole stack',
    );
  }
}

/**
 * The whole `main.ts` of every subgraph: configuration from the environment (validated, failing
 * fast), then either serve, or with `MIGRATE_ONLY=true` apply migrations (and seed) and exit 0.
 */
export function runSubgraph<TLoaders, TServices, TSettings>(
  definition: SubgraphDefinition<TLoaders, TServices, TSettings>,
): void {
  const config = configurationOrExit(() => loadConfig(definition.name));
  const log = createLogger(definition.name, config.logLevel, config.logFormat);
  warnIfEphemeralJwtSecret(log, config);
  if (config.migrateOnly) {
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
  runMain(log, config, () => startSubgraph(definition, { config, log }));
}
