import { runSubgraph } from '@marketplace/platform';
import { paymentSubgraph } from './server';

runSubgraph(paymentSubgraph);
