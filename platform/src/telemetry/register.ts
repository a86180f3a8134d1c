import { basename, dirname } from 'node:path';
import { startTracing } from './tracing';

/**
 * Imported as the first line of every `main.ts`, before anything else is loaded, so the
 * instrumentations patch `http`, `pg` and `undici` before the service requires them. The default
 * service name is the service's folder (`subgraphs/order/dist/main.js` → `order`,
 * `gateway/dist/main.js` → `gateway`); `OTEL_SERVICE_NAME` overrides it.
 */
const entry = process.argv[1] ?? 'marketplace';
startTracing({ serviceName: basename(dirname(dirname(entry))) });
