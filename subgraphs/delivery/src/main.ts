import { runSubgraph } from '@marketplace/platform';
import { deliverySubgraph } from './server';

runSubgraph(deliverySubgraph);
