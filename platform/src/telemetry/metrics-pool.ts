import type { Orm } from '../database';
import type { ServiceMetrics } from './metrics';

/** The counts of a tarn pool (knex's, under MikroORM) that saturation is read from. */
interface PoolCounts {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** knex keeps its tarn pool on `client.pool`; absent until the first connection. */
function poolOf(orm: Orm): PoolCounts | undefined {
  const client = orm.em.getConnection().getKnex().client as { pool?: PoolCounts };
  return client.pool ?? undefined;
}

/**
 * Reads the database pool at every scrape: connections in use, idle, and queries waiting for one
 * (`pending` above 0 for long means the pool, `DB_POOL_MAX`, is the bottleneck).
 */
export function observeDatabasePool(metrics: ServiceMetrics, orm: Orm): () => void {
  return metrics.addProbe(() => {
    const pool = poolOf(orm);
    if (!pool) return;
    metrics.dbPool.set({ state: 'used' }, pool.numUsed());
    metrics.dbPool.set({ state: 'free' }, pool.numFree());
    metrics.dbPool.set({ state: 'pending' }, pool.numPendingAcquires());
  });
}
