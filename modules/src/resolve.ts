// A tenant spec plus the constellation's defaults → every value the tenant resource gets. Pure, so
// the Constellation can check the whole fleet (unique hosts, database names, ...) before it builds
// anything, and MoodleTenant builds exactly what was checked.
import type { TenantSpec, TenantDefaults, ConfigMap, PluginSettings } from './spec-types';
import { deriveDatabaseName, deriveUserName, joinPath, DEFAULT_DATABASE_PREFIX } from './names';

export interface ResolvedDatabase {
  /** Always set (the provider's default is `default`) so fleet-wide checks can compare servers. */
  readonly server: string;
  readonly name: string;
  readonly user: string;
  readonly password?: string;
  readonly prefix?: string;
  readonly userHost?: string;
}

export interface ResolvedTenant {
  readonly host: string;
  readonly https?: boolean;
  readonly name: string;
  readonly shortname: string;
  readonly description?: string;
  readonly enabled?: boolean;
  /** Unset means the provider's own default, `<dataroot_base>/<shortname>`. */
  readonly dataroot?: string;
  readonly template?: string;
  readonly database: ResolvedDatabase;
  readonly subnetwork?: string;
  readonly config?: Readonly<Record<string, string>>;
  readonly pluginSettings?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly deletionProtection: boolean;
}

function definedEntries<T>(map: { [k: string]: T | undefined } | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(map ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

function mergeConfig(defaults: ConfigMap | undefined, own: ConfigMap | undefined): Record<string, string> | undefined {
  const merged = { ...definedEntries(defaults), ...definedEntries(own) };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function pluginSettings(own: PluginSettings | undefined): Record<string, Record<string, string>> | undefined {
  const out: Record<string, Record<string, string>> = {};
  for (const [plugin, settings] of Object.entries(own ?? {})) {
    const defined = definedEntries(settings);
    if (Object.keys(defined).length > 0) out[plugin] = defined;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function resolveTenant(spec: TenantSpec, defaults: TenantDefaults = {}): ResolvedTenant {
  const db = spec.database ?? {};
  const dbName = db.name ?? deriveDatabaseName(spec.shortname, defaults.databaseNamePrefix ?? DEFAULT_DATABASE_PREFIX);
  const dataroot = spec.dataroot ?? (defaults.datarootBase ? joinPath(defaults.datarootBase, spec.shortname) : undefined);
  return {
    host: spec.host,
    https: spec.https ?? defaults.https,
    name: spec.name,
    shortname: spec.shortname,
    description: spec.description ?? defaults.description,
    enabled: spec.enabled ?? defaults.enabled,
    dataroot,
    template: spec.template ?? defaults.template,
    database: {
      server: db.server ?? defaults.database?.server ?? 'default',
      name: dbName,
      // The provider would default to the database name cut at 32 characters, which can collide;
      // the derived name keeps a hash of the cut part instead.
      user: db.user ?? deriveUserName(dbName),
      password: db.password,
      prefix: db.prefix ?? defaults.database?.prefix,
      userHost: db.userHost ?? defaults.database?.userHost,
    },
    subnetwork: spec.subnetwork,
    config: mergeConfig(defaults.config, spec.config),
    pluginSettings: pluginSettings(spec.pluginSettings),
    deletionProtection: spec.deletionProtection ?? defaults.deletionProtection ?? true,
  };
}
