import { runSubgraph } from '@marketplace/platform';
import { productSubgraph } from './server';

runSubgraph(productSubgraph);
