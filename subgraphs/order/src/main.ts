import { createLogger, loadConfig, runMain, startSubgraph } from '@marketplace/platform';
import { orderSubgraph } from './server';

const config = loadConfig('order');
const log = createLogger('order', config.logLevel);
runMain(log, () => startSubgraph(orderSubgraph, { config, log }));
