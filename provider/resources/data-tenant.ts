// data "vmoodle_tenant": one tenant as the registry holds it, looked up by host. No secrets.
import { T, type BlockSchema, type Attributes } from '../framework/schema';
import type { DataSource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import { reqStr } from '../framework/values';
import type { VmoodleContext } from '../provider';
import type { TenantRow } from '../../registry/writer';
import { parseTenantAddress, tenantKey } from '../../lib/host';

/** The public view of a tenant, shared with data "vmoodle_tenants". */
export const tenantViewAttributes: Attributes = {
  id: { type: T.string, computed: true, description: 'Tenant id (`<server>/<database>`).' },
  host: { type: T.string, computed: true, description: 'Host (or host/subpath).' },
  name: { type: T.string, computed: true, description: 'Full site name.' },
  shortname: { type: T.string, computed: true, description: 'Short site name.' },
  description: { type: T.string, computed: true, description: 'Free text.' },
  wwwroot: { type: T.string, computed: true, description: 'Site URL.' },
  enabled: { type: T.bool, computed: true, description: 'Whether the sidecar serves the site.' },
  server: { type: T.string, computed: true, description: 'Database server name.' },
  database: { type: T.string, computed: true, description: 'Database name.' },
  database_user: { type: T.string, computed: true, description: 'Database user.' },
  prefix: { type: T.string, computed: true, description: 'Table prefix.' },
  dataroot: { type: T.string, computed: true, description: 'Data folder.' },
  config: { type: T.map(T.string), computed: true, description: 'Forced $CFG settings.' },
};

export function tenantView(row: TenantRow): ObjectValue {
  return {
    id: row.id,
    host: row.host,
    name: row.name,
    shortname: row.shortname,
    description: row.description ?? '',
    wwwroot: row.wwwroot,
    enabled: row.enabled,
    server: row.server,
    database: row.dbname,
    database_user: row.dbuser,
    prefix: row.prefix,
    dataroot: row.dataroot,
    config: { ...row.config },
  };
}

const schema: BlockSchema = {
  version: 0,
  description: 'Looks up one tenant by host in the registry.',
  attributes: {
    ...tenantViewAttributes,
    host: { type: T.string, required: true, description: 'Host (or host/subpath) of the tenant.' },
  },
};

export const tenantDataSource: DataSource<VmoodleContext> = {
  typeName: 'vmoodle_tenant',
  schema,
  async read(config, { provider }) {
    const wanted = reqStr(config, 'host');
    const parsed = parseTenantAddress(wanted.toLowerCase());
    if (!parsed.ok) throw new Error(`"${wanted}" is not a valid host: ${parsed.reason}.`);
    const registry = await provider.registry();
    const row = await registry.getByHost(tenantKey(parsed.host, parsed.subpath));
    if (!row || row.state !== 'active') throw new Error(`No tenant with host ${wanted} is registered.`);
    return { ...tenantView(row), host: wanted };
  },
};
