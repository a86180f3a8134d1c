import { createLogger, loadConfig, runMain, startSubgraph } from '@marketplace/platform';
import { userSubgraph } from './server';

const config = loadConfig('user');
const log = createLogger('user', config.logLevel);
runMain(log, () => startSubgraph(userSubgraph, { config, log }));
