// Reaching one tenant's Moodle tables: the admin pool of its server, its database and table prefix.
// Every fleet resource (MNet, plugins, config, roles, SQL broadcast) works through this.
import type { Pool } from '../mysql/pools';
import { quoteIdent } from '../mysql/identifiers';
import type { TenantRow } from '../../registry/writer';
import type { VmoodleContext } from '../provider';

export interface TenantDb {
  readonly row: TenantRow;
  readonly pool: Pool;
  /** Fully qualified, quoted name of a Moodle table of this tenant: `db`.`mdl_config`. */
  table(name: string): string;
}

export function tenantDb(ctx: VmoodleContext, row: TenantRow): TenantDb {
  const pool = ctx.pools.get(row.server);
  const db = quoteIdent(row.dbname);
  return {
    row,
    pool,
    table: (name) => `${db}.${quoteIdent(row.prefix + name)}`,
  };
}
