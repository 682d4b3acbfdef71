// data "vmoodle_tenants": every registered tenant, optionally filtered. No secrets.
import { T, objectType, type BlockSchema } from '../framework/schema';
import type { DataSource } from '../framework/resource';
import { str, bool } from '../framework/values';
import type { VmoodleContext } from '../provider';
import { tenantViewAttributes, tenantView } from './data-tenant';

const schema: BlockSchema = {
  version: 0,
  description: 'Lists registered tenants, optionally filtered by server, enabled state or host suffix.',
  attributes: {
    server: { type: T.string, optional: true, description: 'Only tenants on this database server.' },
    enabled: { type: T.bool, optional: true, description: 'Only enabled (true) or disabled (false) tenants.' },
    host_suffix: { type: T.string, optional: true, description: 'Only hosts ending with this text, e.g. `.example.edu`.' },
    tenants: { type: T.list(objectType(tenantViewAttributes)), computed: true, description: 'The matching tenants, sorted by host.' },
  },
};

export const tenantsDataSource: DataSource<VmoodleContext> = {
  typeName: 'vmoodle_tenants',
  schema,
  async read(config, { provider }) {
    const server = str(config, 'server');
    const enabled = bool(config, 'enabled');
    const suffix = str(config, 'host_suffix');
    const registry = await provider.registry();
    const rows = (await registry.list())
      .filter((r) => r.state === 'active')
      .filter((r) => server === null || r.server === server)
      .filter((r) => enabled === null || r.enabled === enabled)
      .filter((r) => suffix === null || r.host.endsWith(suffix))
      .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    return { server, enabled, host_suffix: suffix, tenants: rows.map(tenantView) };
  },
};
