import { runSubgraph } from '@marketplace/platform';
import { userSubgraph } from './server';

runSubgraph(userSubgraph);
