// What a direct writer must do after changing role definitions so running Moodle notices
// (research: moodle-facts.md D3/D4): flag the system context dirty so every logged-in session
// reloads its access data (inside the writer's transaction), and drop the MUC `core/roledefs`
// entries (after commit). The Moodle mechanics themselves live in caches.ts; this adapts them.
import type { Queryable } from '../mysql/pools';
import type { TenantDb } from '../fleet/tenant-db';
import { invalidateDefinitions, markContextDirty, type CacheSql } from './caches';

/** caches.ts helpers run on one connection (a transaction) rather than the pool. */
function onConnection(q: Queryable, t: TenantDb): CacheSql {
  return {
    table: (name) => t.table(name),
    async rows<T>(sql: string, params: ReadonlyArray<string | number | null> = []): Promise<T[]> {
      const [rows] = await q.query(sql, [...params]);
      return rows as T[];
    },
    async run(sql: string, params: ReadonlyArray<string | number | null> = []): Promise<number> {
      const [res] = await q.query(sql, [...params]);
      return (res as { affectedRows?: number }).affectedRows ?? 0;
    },
  };
}

/**
 * context::mark_dirty() for the system context, in the caller's transaction: sessions see the flag
 * exactly when they can see the new definitions.
 */
export async function markSystemContextDirty(q: Queryable, t: TenantDb, path: string): Promise<void> {
  await markContextDirty(onConnection(q, t), path);
}

/**
 * After the transaction committed: accesslib_clear_role_cache() deletes one key per role; dropping
 * the whole `core_roledefs` folder of the file store is the robust equivalent (Moodle rebuilds it).
 */
export async function dropRoleDefinitionCache(t: TenantDb): Promise<void> {
  await invalidateDefinitions(t, ['core_roledefs']);
}
