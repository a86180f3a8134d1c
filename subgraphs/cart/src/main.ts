import { runSubgraph } from '@marketplace/platform';
import { cartSubgraph } from './server';

runSubgraph(cartSubgraph);
