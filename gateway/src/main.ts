import { configurationOrExit, createLogger, runMain } from '@marketplace/platform';
import { loadGatewayConfig } from './config';
import { startGateway } from './server';

const config = configurationOrExit(() => loadGatewayConfig());
const log = createLogger('gateway', config.logLevel, config.logFormat);
runMain(log, config, () => startGateway({ config, log }));
