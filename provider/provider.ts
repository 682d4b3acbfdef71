// The `vmoodle` provider: its configuration block, and the per-process context every resource
// shares (database pools, the registry writer). Every setting can also come from the environment,
// so an empty `provider "vmoodle" {}` block works.
import { T, type BlockSchema } from './framework/schema';
import type { ProviderDefinition } from './framework/resource';
import type { Diagnostics } from './framework/diagnostics';
import type { ObjectValue } from './framework/plan';
import { str, stringMap } from './framework/values';
import { registerSecret } from './plugin/log';
import { parseDsn, ConfigError, type ServerSettings } from './mysql/dsn';
import type { ServerPools } from './mysql/pools';
import type { RegistryWriter } from '../registry/writer';
import { tenantResource } from './resources/tenant';
import { tenantDataSource } from './resources/data-tenant';
import { tenantsDataSource } from './resources/data-tenants';
import { roleResource } from './resources/role';
import { capabilityResource } from './resources/capability';
import { sqlBroadcastResource } from './resources/sql-broadcast';
import { roleComparisonDataSource } from './resources/data-role-comparison';
import { configPhpDataSource } from './resources/data-config-php';
import { mnetSubnetworkResource } from './resources/mnet-subnetwork';
import { mnetPeersDataSource } from './resources/data-mnet-peers';
import { pluginStateResource } from './resources/plugin-state';
import { configResource } from './resources/config';
import { maintenanceResource } from './resources/maintenance';
import { cachePurgeResource } from './resources/cache-purge';
import { pluginComparisonDataSource } from './resources/data-plugin-comparison';

export interface VmoodleContext {
  readonly servers: ReadonlyMap<string, ServerSettings>;
  readonly pools: ServerPools;
  readonly datarootBase: string | null;
  /** Where the registry lives (for session-bound work such as named locks, on a connection of its own). */
  readonly registrySettings: ServerSettings;
  /** The registry, migrated on first use (once per process). */
  registry(): Promise<RegistryWriter>;
}

const providerSchema: BlockSchema = {
  version: 0,
  description: 'Manages Moodle sites (tenants) that share one Moodle code base: their databases, users, data folders and the registry the vmoodle sidecar serves.',
  attributes: {
    registry: {
      type: T.string,
      optional: true,
      sensitive: true,
      description: 'DSN of the registry database, e.g. `mysql://vmoodle:secret@db1:3306/vmoodle_registry`. Default: environment variable `VMOODLE_REGISTRY`.',
    },
    servers: {
      type: T.map(T.string),
      optional: true,
      sensitive: true,
      description: 'Named database servers (name → admin DSN) tenants are spread over; `default` is required. Each may also come from `VMOODLE_SERVER_<NAME>`.',
    },
    dataroot_base: {
      type: T.string,
      optional: true,
      description: 'Folder under which tenant data folders are created when a tenant sets no `dataroot`. Default: `VMOODLE_DATAROOT_BASE`.',
    },
  },
};

interface ResolvedConfig {
  registry: ServerSettings;
  servers: Map<string, ServerSettings>;
  datarootBase: string | null;
}

function resolveConfig(config: ObjectValue, env: NodeJS.ProcessEnv, diags: Diagnostics): ResolvedConfig | undefined {
  const registryDsn = str(config, 'registry') ?? env.VMOODLE_REGISTRY ?? null;
  const serverDsns: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^VMOODLE_SERVER_([A-Z0-9_]+)$/.exec(key);
    if (m && value) serverDsns[m[1]!.toLowerCase()] = value;
  }
  Object.assign(serverDsns, stringMap(config, 'servers') ?? {});
  const datarootBase = str(config, 'dataroot_base') ?? env.VMOODLE_DATAROOT_BASE ?? null;

  if (!registryDsn) {
    diags.error('Missing registry database', 'Set `registry` in the provider block or the environment variable VMOODLE_REGISTRY to a DSN such as mysql://user:password@host:3306/vmoodle_registry.', ['registry']);
  }
  if (!serverDsns.default) {
    diags.error('Missing default database server', 'Set `servers = { default = "mysql://admin:password@host:3306/" }` in the provider block or the environment variable VMOODLE_SERVER_DEFAULT.', ['servers']);
  }
  if (datarootBase !== null && !datarootBase.startsWith('/')) {
    diags.error('Invalid dataroot_base', `dataroot_base must be an absolute path; got "${datarootBase}".`, ['dataroot_base']);
  }
  if (diags.hasErrors || !registryDsn) return undefined;

  const servers = new Map<string, ServerSettings>();
  let registry: ServerSettings | undefined;
  try {
    registry = parseDsn(registryDsn, 'registry');
    registerSecret(registry.password);
    if (!registry.database) {
      diags.error('Registry DSN names no database', 'Add the database name to the registry DSN, e.g. mysql://user:password@host:3306/vmoodle_registry.', ['registry']);
    }
    for (const [name, dsn] of Object.entries(serverDsns)) {
      const settings = parseDsn(dsn, `servers.${name}`);
      registerSecret(settings.password);
      servers.set(name, settings);
    }
  } catch (err) {
    if (err instanceof ConfigError) diags.error('Invalid database DSN', err.message, err.field.split('.').map((s, i) => (i === 0 ? s : { key: s })));
    else throw err;
  }
  if (diags.hasErrors || !registry) return undefined;
  return { registry, servers, datarootBase };
}

class Context implements VmoodleContext {
  private registryReady: Promise<RegistryWriter> | undefined;
  constructor(
    readonly servers: ReadonlyMap<string, ServerSettings>,
    readonly pools: ServerPools,
    readonly datarootBase: string | null,
    readonly registrySettings: ServerSettings,
  ) {}

  registry(): Promise<RegistryWriter> {
    if (!this.registryReady) {
      const pool = this.pools.registry();
      const ready = import('../registry/writer').then(async ({ migrateRegistry, RegistryWriter }) => {
        await migrateRegistry(pool);
        return new RegistryWriter(pool);
      });
      // A failed migration (registry down) must be retried by the next call, not cached.
      ready.catch(() => {
        if (this.registryReady === ready) this.registryReady = undefined;
      });
      this.registryReady = ready;
    }
    return this.registryReady;
  }
}

export const vmoodleProvider: ProviderDefinition<VmoodleContext> = {
  schema: providerSchema,
  async configure(config, { diags }) {
    const resolved = resolveConfig(config, process.env, diags);
    if (!resolved) return undefined;
    // Database modules load here, not at start-up: schema and validate processes never need them.
    const { ServerPools } = await import('./mysql/pools');
    const pools = new ServerPools(resolved.servers, { registry: resolved.registry });
    return new Context(resolved.servers, pools, resolved.datarootBase, resolved.registry);
  },
  async shutdown(ctx) {
    await ctx.pools.closeAll();
  },
  resources: [tenantResource, roleResource, capabilityResource, sqlBroadcastResource, mnetSubnetworkResource, pluginStateResource, configResource, maintenanceResource, cachePurgeResource],
  dataSources: [tenantDataSource, tenantsDataSource, roleComparisonDataSource, configPhpDataSource, mnetPeersDataSource, pluginComparisonDataSource],
};
