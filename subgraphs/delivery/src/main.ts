import { createLogger, loadConfig, runMain, startSubgraph } from '@marketplace/platform';
import { deliverySubgraph } from './server';

const config = loadConfig('delivery');
const log = createLogger('delivery', config.logLevel);
runMain(log, () => startSubgraph(deliverySubgraph, { config, log }));
