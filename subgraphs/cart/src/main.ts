import { createLogger, loadConfig, runMain, startSubgraph } from '@marketplace/platform';
import { cartSubgraph } from './server';

const config = loadConfig('cart');
const log = createLogger('cart', config.logLevel);
runMain(log, () => startSubgraph(cartSubgraph, { config, log }));
