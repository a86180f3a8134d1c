// First: tracing instruments http, pg and undici before anything loads them.
import '@marketplace/platform/dist/telemetry/register';
import { configurationOrExit, createLogger, runMain, warnIfEphemeralJwtSecret } from '@marketplace/platform';
import { loadGatewayConfig } from './config';
import { startGateway } from './server';

const config = configurationOrExit(() => loadGatewayConfig());
const log = createLogger('gateway', config.logLevel, config.logFormat);
warnIfEphemeralJwtSecret(log, config);
runMain(log, config, () => startGateway({ config, log }));
