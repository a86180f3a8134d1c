import { createLogger, runMain } from '@marketplace/platform';
import { loadGatewayConfig } from './config';
import { startGateway } from './server';

const config = loadGatewayConfig();
const log = createLogger('gateway', config.logLevel);
runMain(log, () => startGateway({ config, log }));
