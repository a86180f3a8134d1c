import { createLogger, loadConfig, runMain, startSubgraph } from '@marketplace/platform';
import { paymentSubgraph } from './server';

const config = loadConfig('payment');
const log = createLogger('payment', config.logLevel);
runMain(log, () => startSubgraph(paymentSubgraph, { config, log }));
