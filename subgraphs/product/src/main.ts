// First: tracing instruments http, pg and undici before anything loads them.
import '@marketplace/platform/dist/telemetry/register';
import { runSubgraph } from '@marketplace/platform';
import { productSubgraph } from './server';

runSubgraph(productSubgraph);
