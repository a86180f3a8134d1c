import type { IncomingMessage, Server } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { MigrationObject } from '@mikro-orm/core';
import type { EntityManager, EntitySchema } from '@mikro-orm/postgresql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import { accessLogPlugin } from './access-log';
import { viewerFromHeader, type Viewer } from './auth';
import type { PlatformConfig } from './config';
import { migrate, openDatabase, type Orm, type QueryObserver } from './database';
import { refuseMalformedRepresentations } from './entities-guard';
import { maskInternalErrors } from './format-error';
import { closeServer, createGraphQLHttpServer, listen, type ReadinessProbes } from './http';
import { createLogger, type Logger } from './logger';
import { requestGuardPlugin } from './request-guard';
import { requestIdOf } from './request-id';
import { readSettings, type SettingsSpec } from './settings';
import { ServiceMetrics } from './telemetry/metrics';
import { operationMetricsPlugin } from './telemetry/metrics-plugin';
import { observeDatabasePool } from './telemetry/metrics-pool';
import { startMetricsServer, type MetricsServer } from './telemetry/metrics-server';

/** What every resolver receives: a request-scoped EntityManager, loaders and the verified caller. */
export interface SubgraphContext<TLoaders = unknown, TServices = unknown> extends BaseContext {
  em: EntityManager;
  viewer: Viewer | null;
  /** The caller's raw `Authorization` header, forwarded on service-to-service reads. */
  authorization: string | null;
  /** Aborts when the caller disconnects; passed to service-to-service calls so they stop too. */
  signal?: AbortSignal;
  loaders: TLoaders;
  services: TServices;
  log: Logger;
  config: PlatformConfig;
}

/** What a request's loaders may need besides its EntityManager. */
export interface LoaderRequest<TServices> {
  viewer: Viewer | null;
  /** The caller's raw `Authorization` header, for loaders that read another subgraph as the caller. */
  authorization: string | null;
  /** Aborts when the caller disconnects (for loaders that call another subgraph). */
  signal?: AbortSignal;
  services: TServices;
}

/** A long-running part of a service (outbox relay, consumer, scheduled job). */
export interface Worker {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Process-wide pieces a service builds once at start-up. */
export interface SubgraphRuntime<TSettings = unknown> {
  orm: Orm;
  config: PlatformConfig;
  /** The service's own settings, read from its {@link SubgraphDefinition.settings} at start-up. */
  settings: TSettings;
  log: Logger;
  /** This instance's Prometheus registry and metric families (served on its metrics port). */
  metrics: ServiceMetrics;
}

// The settings type defaults to `any` so a definition can be handled without naming it (the
// platform's bootstrap and test helpers); each subgraph's own definition names its type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface SubgraphDefinition<TLoaders, TServices, TSettings = any> {
  name: string;
  typeDefs: DocumentNode;
  /** Resolver map, typed by the subgraph with its generated `Resolvers` type. */
  resolvers: object;
  // EntitySchema is generic over each entity class; the ORM accepts any of them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: EntitySchema<any, any>[];
  migrations: MigrationObject[];
  /**
   * Builds the per-request DataLoaders over the request's own EntityManager fork; loaders that read
   * another subgraph get the caller's credentials from `request`.
   */
  createLoaders(em: EntityManager, request: LoaderRequest<TServices>): TLoaders;
  /** The service's own environment variables, validated at start-up with the platform's. */
  settings?: SettingsSpec<TSettings>;
  createServices(runtime: SubgraphRuntime<TSettings>): TServices;
  /** Runs after migrations and before the service listens (e.g. seeding demo data). */
  onReady?(runtime: SubgraphRuntime<TSettings>, services: TServices): Promise<void>;
  /** Background workers started after listening and stopped before the database closes. */
  workers?(runtime: SubgraphRuntime<TSettings>, services: TServices): Worker[];
}

/** The definition's settings: `options.settings` when given (tests), else read from the environment. */
export function settingsFor<TSettings>(
  definition: SubgraphDefinition<unknown, unknown, TSettings>,
  options: { settings?: Partial<TSettings> },
): TSettings {
  const fromEnvironment = definition.settings ? readSettings(definition.settings) : ({} as TSettings);
  return { ...fromEnvironment, ...options.settings };
}

/**
 * A subgraph's SDL, `src/schema.graphql` beside the module that calls this with its `__dirname`
 * (from `src/` when run by tsx or jest, from `dist/` when compiled).
 */
export const readSubgraphSchema = (moduleDirectory: string): DocumentNode =>
  parse(readFileSync(join(moduleDirectory, '..', 'src', 'schema.graphql'), 'utf8'));

/** The service's own database, created when missing, with its entities and migrations. */
function openSubgraphDatabase<TLoaders, TServices, TSettings>(
  definition: SubgraphDefinition<TLoaders, TServices, TSettings>,
  options: StartOptions<TSettings>,
  log: Logger,
): Promise<Orm> {
  return openDatabase({
    url: options.config.databaseUrl,
    databaseName: options.config.databaseName,
    entities: definition.entities,
    migrations: definition.migrations,
    log,
    onQuery: options.onQuery,
    poolMax: options.config.dbPoolMax,
  });
}

/**
 * Opens the database, applies pending migrations and runs `onReady` (seeding), without serving.
 * Used as a separate deploy step (`MIGRATE_ONLY=true`), e.g. the `migrate` job of docker-compose.
 */
export async function migrateSubgraph<TLoaders, TServices, TSettings>(
  definition: SubgraphDefinition<TLoaders, TServices, TSettings>,
  options: StartOptions<TSettings>,
): Promise<string[]> {
  const { config } = options;
  const log = options.log ?? createLogger(definition.name, config.logLevel, config.logFormat);
  const settings = settingsFor(definition, options);
  const orm = await openSubgraphDatabase(definition, options, log);
  try {
    const applied = await migrate(orm);
    const metrics = new ServiceMetrics(definition.name);
    const runtime: SubgraphRuntime<TSettings> = { orm, config, settings, log, metrics };
    await definition.onReady?.(runtime, definition.createServices(runtime));
    return applied;
  } finally {
    await orm.close(true);
  }
}

export interface StartOptions<TSettings = unknown> {
  config: PlatformConfig;
  /** Replaces settings read from the environment (tests). */
  settings?: Partial<TSettings>;
  /** Observes every SQL statement (tests count them). */
  onQuery?: QueryObserver;
  log?: Logger;
}

export interface RunningSubgraph<TServices = unknown> {
  name: string;
  url: string;
  port: number;
  orm: Orm;
  services: TServices;
  server: Server;
  metrics: ServiceMetrics;
  /** `GET /metrics` of this instance; absent when `METRICS_ENABLED=false`. */
  metricsServer?: MetricsServer;
  stop(): Promise<void>;
}

/** Builds the Apollo subgraph server for a definition (no I/O; used by tests and schema tools). */
export function buildSubgraphServer<TLoaders, TServices, TSettings>(
  definition: SubgraphDefinition<TLoaders, TServices, TSettings>,
  log: Logger,
  metrics?: ServiceMetrics,
): ApolloServer<SubgraphContext<TLoaders, TServices>> {
  return new ApolloServer<SubgraphContext<TLoaders, TServices>>({
    schema: refuseMalformedRepresentations(
      buildSubgraphSchema({
        typeDefs: definition.typeDefs,
        resolvers: definition.resolvers as GraphQLResolverMap<unknown>,
      }),
    ),
    formatError: maskInternalErrors(log),
    includeStacktraceInErrorResponses: false,
    plugins: [
      requestGuardPlugin(),
      ...(metrics ? [operationMetricsPlugin<SubgraphContext<TLoaders, TServices>>(metrics)] : []),
      // The gateway writes the client's access line; a subgraph's own is for debugging.
      accessLogPlugin({ log, level: 'debug' }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
    // runMain owns SIGINT/SIGTERM and stops the whole service in order; Apollo's own handlers
    // (installed unless NODE_ENV=test) would stop it alone and hang the ordered shutdown.
    stopOnTerminationSignals: false,
  });
}

/**
 * Opens the database (creating it if missing), migrates, runs `onReady`, listens and starts
 * the workers. `stop()` undoes it in reverse order, letting in-flight requests finish.
 */
export async function startSubgraph<TLoaders, TServices, TSettings>(
  definition: SubgraphDefinition<TLoaders, TServices, TSettings>,
  options: StartOptions<TSettings>,
): Promise<RunningSubgraph<TServices>> {
  const { config } = options;
  const log = options.log ?? createLogger(definition.name, config.logLevel, config.logFormat);
  const settings = settingsFor(definition, options);
  const orm = await openSubgraphDatabase(definition, options, log);
  try {
    const applied = await migrate(orm);
    if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
    const metrics = new ServiceMetrics(definition.name);
    observeDatabasePool(metrics, orm);
    const runtime: SubgraphRuntime<TSettings> = { orm, config, settings, log, metrics };
    const services = definition.createServices(runtime);
    await definition.onReady?.(runtime, services);

    const apollo = buildSubgraphServer(definition, log, metrics);
    await apollo.start();
    const readiness: ReadinessProbes = {
      database: async () => orm.isConnected(),
    };
    const context = async (
      request: IncomingMessage,
      signal: AbortSignal,
    ): Promise<SubgraphContext<TLoaders, TServices>> => {
      const viewer = viewerFromHeader(request.headers.authorization, config.jwtSecret);
      const em = orm.em.fork();
      const authorization = request.headers.authorization ?? null;
      const requestId = requestIdOf(request);
      return {
        em,
        viewer,
        authorization,
        signal,
        loaders: definition.createLoaders(em, { viewer, authorization, signal, services }),
        services,
        config,
        log: log.child({ requestId, userId: viewer?.userId }),
      };
    };
    const server = createGraphQLHttpServer({ apollo, context, log, readiness });
    const port = await listen(server, config.port, config.host);
    const metricsServer = await startMetricsServer(metrics, config, log);
    const workers = definition.workers?.(runtime, services) ?? [];
    for (const worker of workers) await worker.start();
    const url = `http://${config.host}:${port}/graphql`;
    log.info({ url }, `${definition.name} subgraph ready`);

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        await closeServer(server);
        await apollo.stop();
        for (const worker of [...workers].reverse()) {
          await worker
            .stop()
            .catch((error: unknown) => log.error({ err: error, worker: worker.name }, 'worker stop failed'));
        }
        await metricsServer?.stop();
        await orm.close(true);
        log.info(`${definition.name} subgraph stopped`);
      })());
    return { name: definition.name, url, port, orm, services, server, metrics, metricsServer, stop };
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}
