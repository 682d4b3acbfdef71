// What exists for each tenant right now, read in batches: the registry row, the database, the user.
// Refreshing 1,000 tenants costs a few dozen queries instead of three per tenant.
import { Batcher } from '../framework/batcher';
import type { VmoodleContext } from '../provider';
import type { TenantRow } from '../../registry/writer';

export interface ObservedTenant {
  row: TenantRow;
  databaseExists: boolean;
  userExists: boolean;
}

interface Loaders {
  rows: Batcher<string, TenantRow | null>;
  databases: Map<string, Batcher<string, boolean>>;
  users: Map<string, Batcher<string, boolean>>;
}

const loaders = new WeakMap<VmoodleContext, Loaders>();

function userKey(user: string, host: string): string {
  return `${user}\u0000${host}`;
}

function perServer(ctx: VmoodleContext, l: Loaders, server: string): { databases: Batcher<string, boolean>; users: Batcher<string, boolean> } {
  let databases = l.databases.get(server);
  let users = l.users.get(server);
  if (!databases || !users) {
    const pool = ctx.pools.get(server);
    databases = new Batcher(async (names) => {
      const [rows] = await pool.query(`SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)`, [names]);
      return new Map((rows as Array<{ n: string }>).map((r) => [r.n, true]));
    }, false);
    users = new Batcher(async (keys) => {
      const pairs = keys.map((k) => k.split('\u0000') as [string, string]);
      const [rows] = await pool.query(`SELECT User AS u, Host AS h FROM mysql.user WHERE (User, Host) IN (?)`, [pairs]);
      return new Map((rows as Array<{ u: string; h: string }>).map((r) => [userKey(r.u, r.h), true]));
    }, false);
    l.databases.set(server, databases);
    l.users.set(server, users);
  }
  return { databases, users };
}

function loadersFor(ctx: VmoodleContext): Loaders {
  let l = loaders.get(ctx);
  if (!l) {
    l = {
      rows: new Batcher(async (ids) => {
        const registry = await ctx.registry();
        return new Map((await registry.list({ ids })).map((r) => [r.id, r]));
      }, null),
      databases: new Map(),
      users: new Map(),
    };
    loaders.set(ctx, l);
  }
  return l;
}

/** null when the registry does not know the tenant. */
export async function observeTenant(ctx: VmoodleContext, id: string): Promise<ObservedTenant | null> {
  const l = loadersFor(ctx);
  const row = await l.rows.get(id);
  if (!row) return null;
  const s = perServer(ctx, l, row.server);
  const [databaseExists, userExists] = await Promise.all([s.databases.get(row.dbname), s.users.get(userKey(row.dbuser, row.dbuserHost))]);
  return { row, databaseExists, userExists };
}
