// Where the operations commands find the registry and the database servers: the same settings the
// provider reads (provider/provider.ts), so one environment serves both `terraform` and `vmoodle`:
// the registry DSN from --registry or VMOODLE_REGISTRY, servers from VMOODLE_SERVER_<NAME>.
import { parseDsn, ConfigError, DEFAULT_PORT, type ServerSettings } from '../provider/mysql/dsn';
import { openConnection, type Connection } from '../provider/mysql/pools';
import { parseTenantAddress, tenantKey } from '../lib/host';
import type { TenantRow } from '../registry/reader';
import { UsageError, CommandError } from './args';

export const REGISTRY_HELP = '--registry DSN          registry database (default: $VMOODLE_REGISTRY)';

/** The registry settings, or a UsageError naming --registry / VMOODLE_REGISTRY. */
export function registrySettings(flag: string | undefined, env: NodeJS.ProcessEnv): ServerSettings {
  const from = flag !== undefined ? '--registry' : 'VMOODLE_REGISTRY';
  const dsn = flag ?? env.VMOODLE_REGISTRY;
  if (!dsn) throw new UsageError('--registry', 'the registry database is needed: pass --registry mysql://user:pass@host:3306/vmoodle_registry or set VMOODLE_REGISTRY');
  let settings: ServerSettings;
  try {
    settings = parseDsn(dsn, from);
  } catch (err) {
    // parseDsn never puts the password in its message.
    throw new UsageError(from, err instanceof ConfigError ? err.message.replace(`${from}: `, '') : String(err));
  }
  if (settings.database === undefined) throw new UsageError(from, 'the registry DSN must name its database, e.g. mysql://user:pass@host:3306/vmoodle_registry');
  return settings;
}

/** Named servers from VMOODLE_SERVER_<NAME> (name lower-cased, as the provider does). */
export function serverSettings(env: NodeJS.ProcessEnv): Map<string, ServerSettings> {
  const servers = new Map<string, ServerSettings>();
  for (const [key, value] of Object.entries(env)) {
    const m = /^VMOODLE_SERVER_([A-Z0-9_]+)$/.exec(key);
    if (!m || !value) continue;
    try {
      servers.set(m[1]!.toLowerCase(), parseDsn(value, key));
    } catch (err) {
      throw new UsageError(key, err instanceof ConfigError ? err.message.replace(`${key}: `, '') : String(err));
    }
  }
  return servers;
}

export function serverEnvName(server: string): string {
  return `VMOODLE_SERVER_${server.toUpperCase()}`;
}

export function openRegistry(settings: ServerSettings): Promise<Connection> {
  return openConnection(settings, settings.database);
}

/** The registry key for what an operator typed: "Physics.Example.edu" → "physics.example.edu". */
export function hostKey(input: string, argument: string): string {
  const parsed = parseTenantAddress(input.trim().toLowerCase());
  if (!parsed.ok) throw new UsageError(argument, `"${input}" is not a tenant host (${parsed.reason}); write it as host or host/subpath, e.g. physics.example.edu`);
  return tenantKey(parsed.host, parsed.subpath);
}

/**
 * How to reach a tenant's database as the tenant's own user: through the address of its server
 * from VMOODLE_SERVER_<NAME> when that is configured (how the provider reaches it), else through
 * the address web nodes use (the registry row). Working as the tenant user, never as an admin,
 * keeps a dump or restore inside that one database whatever the input holds.
 */
export function tenantConnectionSettings(row: TenantRow, servers: ReadonlyMap<string, ServerSettings>): ServerSettings {
  const server = servers.get(row.server);
  if (server) return { ...server, user: row.dbuser, password: row.dbpass, database: row.dbname };
  const settings: ServerSettings = {
    host: row.dbhost,
    port: row.dbport ?? DEFAULT_PORT,
    user: row.dbuser,
    password: row.dbpass,
    database: row.dbname,
    moodleHost: row.dbhost,
  };
  if (row.dbsocket) settings.socket = row.dbsocket;
  return settings;
}

export function tenantNotFound(host: string, argument: string): CommandError {
  return new CommandError(`${argument}: no active tenant has host "${host}" in the registry (list them with: vmoodle each -- printenv VMOODLE_HOST)`);
}
