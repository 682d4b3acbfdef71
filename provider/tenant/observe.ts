// What exists for each tenant right now: the registry row, the database, the user.
//
// A refresh reads every tenant of the state, each in its own ReadResource call, up to -parallelism at
// a time. Below PREFETCH_MAX_ROWS registry rows, the first call of a provider process reads the whole
// registry and, per database server, the lists of databases and users, once: the rest of the refresh
// costs no query at all, and neither does the host check of the plan that follows (a 1,000-tenant
// plan went from ~2,100 queries to a handful). The view is a snapshot taken at the start of the
// refresh, which Terraform's refresh is anyway; it is dropped as soon as this process writes to the
// registry, and after PREFETCH_TTL_MS. Bigger registries are read in batches instead.
import { Batcher } from '../framework/batcher';
import type { VmoodleContext } from '../provider';
import type { RegistryWriter, TenantRow } from '../../registry/writer';

const PREFETCH_MAX_ROWS = 5000;
const PREFETCH_TTL_MS = 30_000;

interface Prefetched {
  at: number;
  writes: number;
  registry: RegistryWriter;
  rows: Map<string, TenantRow>;
  /** Per server: its databases and its users (user\0host), loaded on first use. */
  servers: Map<string, Promise<{ databases: Set<string>; users: Set<string> }>>;
}

/** Per provider process (context): the prefetch, which resolves to null when the registry is too big to read whole. */
const views = new WeakMap<VmoodleContext, Promise<Prefetched | null>>();

function fresh(v: Prefetched): boolean {
  return v.registry.writes === v.writes && Date.now() - v.at < PREFETCH_TTL_MS;
}

async function prefetch(ctx: VmoodleContext): Promise<Prefetched | null> {
  const registry = await ctx.registry();
  const writes = registry.writes;
  const at = Date.now();
  const [counted] = await ctx.pools.registry().query('SELECT COUNT(*) AS n FROM vmoodle_tenant');
  if (Number((counted as Array<{ n: unknown }>)[0]?.n) > PREFETCH_MAX_ROWS) return null;
  const all = await registry.list();
  const v: Prefetched = { at, writes, registry, rows: new Map(all.map((r) => [r.id, r])), servers: new Map() };
  // The plan that follows the refresh checks each tenant's host against the registry: same snapshot.
  const byHost = new Map(all.map((r) => [r.host, r]));
  registry.useReadView((host) => (fresh(v) ? byHost.get(host) ?? null : undefined));
  return v;
}

/** The process's view of the registry, if it is small enough and still valid; starts one if needed. */
async function view(ctx: VmoodleContext): Promise<Prefetched | null> {
  const pending = views.get(ctx);
  if (pending) {
    const v = await pending.catch(() => undefined); // undefined: that prefetch failed
    if (v === null) return null; // too big: batches for the rest of this process
    if (v && fresh(v)) return v;
    // Expired, invalidated by a write, or failed: reload, unless a concurrent call already did.
    if (views.get(ctx) !== pending) return view(ctx);
  }
  const next = prefetch(ctx);
  views.set(ctx, next);
  return next;
}

async function serverLists(ctx: VmoodleContext, v: Prefetched, server: string): Promise<{ databases: Set<string>; users: Set<string> }> {
  let lists = v.servers.get(server);
  if (!lists) {
    const pool = ctx.pools.get(server);
    lists = Promise.all([pool.query('SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA'), pool.query('SELECT User AS u, Host AS h FROM mysql.user')]).then(
      ([[dbs], [users]]) => ({
        databases: new Set((dbs as Array<{ n: string }>).map((r) => r.n)),
        users: new Set((users as Array<{ u: string; h: string }>).map((r) => userKey(r.u, r.h))),
      }),
    );
    // A failure is not cached: the next call tries again.
    lists.catch(() => v.servers.delete(server));
    v.servers.set(server, lists);
  }
  return lists;
}

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
  const v = await view(ctx);
  if (v) {
    const row = v.rows.get(id);
    if (!row) return null;
    const lists = await serverLists(ctx, v, row.server);
    return { row, databaseExists: lists.databases.has(row.dbname), userExists: lists.users.has(userKey(row.dbuser, row.dbuserHost)) };
  }
  const l = loadersFor(ctx);
  const row = await l.rows.get(id);
  if (!row) return null;
  const s = perServer(ctx, l, row.server);
  const [databaseExists, userExists] = await Promise.all([s.databases.get(row.dbname), s.users.get(userKey(row.dbuser, row.dbuserHost))]);
  return { row, databaseExists, userExists };
}
