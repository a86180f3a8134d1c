import { createLogger, loadConfig, runMain, startSubgraph } from '@marketplace/platform';
import { productSubgraph } from './server';

const config = loadConfig('product');
const log = createLogger('product', config.logLevel);
runMain(log, () => startSubgraph(productSubgraph, { config, log }));
