import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { raw, type EntityName } from '@mikro-orm/core';
import { uuidArrayLiteral } from './ids';

/**
 * A per-request loader of entities by primary key: one `WHERE id = ANY($1)` query per batch,
 * results in key order, `null` for unknown keys. The SQL text is the same for any batch size.
 */
export function entityByIdLoader<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  maxBatchSize = 500,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(
    async (ids) => {
      const rows = await em.find(entity, {
        [raw((alias) => `${alias}.id = any(?::uuid[])`, [uuidArrayLiteral(ids)])]: [],
      } as never);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize },
  );
}

/**
 * A per-request loader of child rows grouped by a parent key (e.g. order items by order id):
 * one query per batch, results grouped in key order.
 */
export function groupedLoader<K extends string, T>(
  fetch: (keys: readonly K[]) => Promise<T[]>,
  keyOf: (row: T) => K,
): DataLoader<K, T[]> {
  return new DataLoader<K, T[]>(async (keys) => {
    const rows = await fetch(keys);
    const groups = new Map<K, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}
