import { runSubgraph } from '@marketplace/platform';
import { orderSubgraph } from './server';

runSubgraph(orderSubgraph);
