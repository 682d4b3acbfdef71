// The `vmoodle` provider: its configuration block, and the per-process context every resource
// shares (database pools, the registry writer). Every setting can also come from the environment,
// so an empty `provider "vmoodle" {}` block works.
import { T, type BlockSchema } from './framework/schema';
import type { ProviderDefinition } from './framework/resource';
import type { Diagnostics } from './framework/diagnostics';
import type { ObjectValue } from './framework/plan';
import { num, str, stringMap } from './framework/values';
import { registerSecret } from './plugin/log';
import { parseDsn, ConfigError, type ServerSettings } from './mysql/dsn';
import { BOUND_RANGE, DEFAULT_BOUNDS, type DatabaseBounds } from './mysql/bounds';
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
    statement_timeout_seconds: {
      type: T.number,
      optional: true,
      description:
        `Longest any database statement of the provider may take, in whole seconds (${BOUND_RANGE.min} to ${BOUND_RANGE.max}), on every server and on the registry. ` +
        'A statement waiting for a lock (e.g. `DROP DATABASE` while a Moodle web node holds an open transaction on the site\'s tables) gives up after this long (`lock_wait_timeout`, `innodb_lock_wait_timeout`, named locks); ' +
        'the server stops any other statement a second later (MariaDB `max_statement_time`); and the provider drops the connection to a server that has not answered after this long plus 5 s. ' +
        'The apply then fails with an error that names the server, the tenant and what to do; whatever was half made is finished or cleaned up by the next apply. ' +
        `Default: \`VMOODLE_STATEMENT_TIMEOUT_SECONDS\`, else ${DEFAULT_BOUNDS.statementSeconds}.`,
    },
    connect_timeout_seconds: {
      type: T.number,
      optional: true,
      description: `Longest connecting and logging in to a database server or the registry may take, in whole seconds (${BOUND_RANGE.min} to ${BOUND_RANGE.max}). Default: \`VMOODLE_CONNECT_TIMEOUT_SECONDS\`, else ${DEFAULT_BOUNDS.connectSeconds}.`,
    },
  },
};

/** A whole number of seconds from the block, else the environment, else the fallback (also when invalid, with a diagnostic). */
function seconds(config: ObjectValue, attribute: string, envName: string, env: NodeJS.ProcessEnv, fallback: number, diags: Diagnostics): number {
  const fromBlock = num(config, attribute);
  const raw = fromBlock ?? (env[envName] !== undefined && env[envName] !== '' ? Number(env[envName]) : null);
  if (raw === null) return fallback;
  if (!Number.isInteger(raw) || raw < BOUND_RANGE.min || raw > BOUND_RANGE.max) {
    const source = fromBlock !== null ? attribute : `${envName} (for ${attribute})`;
    diags.error(`Invalid ${attribute}`, `${source} must be a whole number of seconds from ${BOUND_RANGE.min} to ${BOUND_RANGE.max}; got ${fromBlock ?? JSON.stringify(env[envName])}.`, [attribute]);
    return fallback;
  }
  return raw;
}

interface ResolvedConfig {
  registry: ServerSettings;
  servers: Map<string, ServerSettings>;
  datarootBase: string | null;
  bounds: DatabaseBounds;
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
  const bounds: DatabaseBounds = {
    statementSeconds: seconds(config, 'statement_timeout_seconds', 'VMOODLE_STATEMENT_TIMEOUT_SECONDS', env, DEFAULT_BOUNDS.statementSeconds, diags),
    connectSeconds: seconds(config, 'connect_timeout_seconds', 'VMOODLE_CONNECT_TIMEOUT_SECONDS', env, DEFAULT_BOUNDS.connectSeconds, diags),
  };

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
  return { registry, servers, datarootBase, bounds };
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
    const pools = new ServerPools(resolved.servers, { registry: resolved.registry, bounds: resolved.bounds });
    return new Context(resolved.servers, pools, resolved.datarootBase, resolved.registry);
  },
  async shutdown(ctx) {
    await ctx.pools.closeAll();
  },
  resources: [tenantResource, roleResource, capabilityResource, sqlBroadcastResource, mnetSubnetworkResource, pluginStateResource, configResource, maintenanceResource, cachePurgeResource],
  dataSources: [tenantDataSource, tenantsDataSource, roleComparisonDataSource, configPhpDataSource, mnetPeersDataSource, pluginComparisonDataSource],
};
