// vmoodle_tenant: one Moodle site. Schema, plan rules, create, read, update, delete and import side
// by side; the real work on databases and folders lives in provider/tenant/provision.ts.
import { T, type BlockSchema, type Attributes } from '../framework/schema';
import type { Resource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import { isObject, replacementPaths } from '../framework/plan';
import { isKnown, str, bool, obj } from '../framework/values';
import { isUnknown, UNKNOWN, type CtyValue } from '../plugin/cty';
import type { VmoodleContext } from '../provider';
import { validateDatabaseName, validateUserName, validatePrefix, validateUserHost } from '../mysql/identifiers';
import { parseTenantAddress, tenantKey } from '../../lib/host';
import { tenantId, wwwrootFor, specFromValue, specToValue, specFromRow } from '../tenant/model';
import { notePlannedTenant } from '../fleet/targets';
// Loaded on first use: schema and validation calls (most provider processes) never need it.
const provision = (): Promise<typeof import('../tenant/provision')> => import('../tenant/provision');

const check =
  (fn: (v: string) => string | null) =>
  (v: CtyValue): string | null =>
    typeof v === 'string' ? fn(v) : null;

function validateHost(value: string): string | null {
  const parsed = parseTenantAddress(value);
  if (!parsed.ok) return `"${value}" is not a valid host: ${parsed.reason}. Write a DNS name such as physics.example.edu, optionally followed by /subpath.`;
  const canonical = tenantKey(parsed.host, parsed.subpath);
  if (canonical !== value) return `Write the host in its canonical form "${canonical}" (lower case, no port, no trailing dot, IDN as punycode).`;
  return null;
}

/** Settings Moodle takes from config.php that the tenant's own attributes already own. */
const RESERVED_CONFIG = new Set(['wwwroot', 'dataroot', 'dirroot', 'dbtype', 'dblibrary', 'dbhost', 'dbname', 'dbuser', 'dbpass', 'prefix', 'dboptions', 'admin']);

function validateConfigMap(v: CtyValue): string | null {
  if (!isObject(v)) return null;
  for (const key of Object.keys(v)) {
    if (!/^[a-z_][a-z0-9_]{0,99}$/.test(key)) return `"${key}" is not a Moodle setting name (lower case letters, digits and _).`;
    if (RESERVED_CONFIG.has(key)) return `"${key}" is set by the tenant's own attributes; remove it from config.`;
  }
  return null;
}

const databaseAttributes: Attributes = {
  server: { type: T.string, default: 'default', requiresReplace: true, description: 'Name of the database server (a key of the provider\'s `servers`). Changing it replaces the tenant.' },
  name: { type: T.string, required: true, requiresReplace: true, validate: [check(validateDatabaseName)], description: 'Database name. Changing it replaces the tenant.' },
  user: { type: T.string, optional: true, computed: true, validate: [check(validateUserName)], description: 'Database user, granted this database only. Default: the database name.' },
  user_host: { type: T.string, default: '%', validate: [check(validateUserHost)], description: 'Host part of the database account (`%`, `localhost`, an address or pattern).' },
  password: { type: T.string, optional: true, computed: true, sensitive: true, description: 'Database password. Generated when omitted. Stored in state; use `password_wo` to keep it out.' },
  password_wo: { type: T.string, optional: true, writeOnly: true, sensitive: true, description: 'Write-only password (Terraform >= 1.11): never stored in state. Change `password_wo_version` to rotate.' },
  password_wo_version: { type: T.number, optional: true, description: 'Bump to apply a new `password_wo`.' },
  prefix: { type: T.string, default: 'mdl_', requiresReplace: true, validate: [check(validatePrefix)], description: 'Moodle table prefix. Changing it replaces the tenant.' },
};

export const tenantSchema: BlockSchema = {
  version: 0,
  description: 'A Moodle site: its database, database user, data folder and registry entry, served by the vmoodle sidecar.',
  attributes: {
    id: { type: T.string, computed: true, description: 'Stable identifier: `<server>/<database>`.' },
    host: { type: T.string, required: true, validate: [check(validateHost)], description: 'Host name the site answers on, optionally `host/subpath`. Changing it is a domain switch.' },
    name: { type: T.string, required: true, description: 'Full site name.' },
    shortname: { type: T.string, required: true, validate: [check((v) => (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(v) ? null : 'use letters, digits, ".", "_" and "-" (at most 100), starting with a letter or digit'))], description: 'Short site name; also names the default data folder.' },
    description: { type: T.string, default: '', description: 'Free text.' },
    https: { type: T.bool, default: true, description: 'Whether wwwroot uses https.' },
    wwwroot: { type: T.string, computed: true, description: 'The site URL, `http(s)://host[/subpath]`.' },
    database: { nested: { nesting: 'single', attributes: databaseAttributes }, required: true, description: 'Where the site\'s tables live.' },
    dataroot: { type: T.string, optional: true, computed: true, description: 'The site\'s data folder. Default: `<dataroot_base>/<shortname>`.' },
    enabled: { type: T.bool, default: true, description: 'Disabled tenants are answered with a distinct status by the sidecar.' },
    config: { type: T.map(T.string), default: {}, validate: [validateConfigMap], description: 'Forced $CFG settings the sidecar serves with the site (config.php overrides).' },
    template: { type: T.string, optional: true, description: 'Path of a SQL dump of a Moodle site (plain or .gz) loaded into the new database; its wwwroot is rewritten. Used at creation only.' },
    deletion_protection: { type: T.bool, default: true, description: 'While true, destroying the tenant (terraform destroy, removal from the configuration, `-replace`) is refused.' },
    adopt_existing_database: { type: T.bool, default: false, description: 'Take over a database that already exists on the server (created by hand or by another tool) instead of refusing to create the tenant. Used at creation only: the database is kept as it is (no template is loaded into it) and the tenant\'s user is granted it. From then on the tenant owns it: destroying the tenant drops it.' },
  },
};

/** Hosts planned by this provider process, so two new tenants with one host fail at plan time. */
const plannedHosts = new WeakMap<VmoodleContext, Map<string, string>>();

function claimHost(ctx: VmoodleContext, host: string, id: string): string | null {
  let hosts = plannedHosts.get(ctx);
  if (!hosts) plannedHosts.set(ctx, (hosts = new Map()));
  const holder = hosts.get(host);
  if (holder !== undefined && holder !== id) return holder;
  hosts.set(host, id);
  return null;
}

function refuseDeletion(host: string, what: string): string {
  return `Tenant ${host} has deletion_protection = true, so Terraform may not ${what}: that would drop its database and data folder. Set deletion_protection = false, apply, then try again.`;
}

/**
 * Why a tenant is never replaced, protected or not. Terraform replaces by destroying first (dropping
 * the old database before the new one exists), and create_before_destroy cannot reorder that here:
 * the new tenant needs the host the old one still holds, and each host belongs to one tenant. So a
 * change that would replace is refused at plan time; starting a site over is an explicit destroy.
 * (Before this, such a plan failed with a misleading "Host already in use" naming the tenant itself.)
 */
function refuseReplacement(host: string, changed: string, oldDatabase: string): string {
  return `Changing ${changed} would make Terraform replace tenant ${host}: it would drop database ${oldDatabase} before the new one exists (create_before_destroy cannot help: the host belongs to one tenant at a time). vmoodle never drops a site's database as a side effect of a change. To start this site over on a new database, destroy it explicitly first (terraform apply -destroy -target=<this resource>, with deletion_protection = false), then apply.`;
}

export const tenantResource: Resource<VmoodleContext> = {
  typeName: 'vmoodle_tenant',
  schema: tenantSchema,

  validate(config, diags) {
    const db = obj(config, 'database');
    if (!db) return;
    const password = db.password ?? null;
    const passwordWo = db.password_wo ?? null;
    if (password !== null && passwordWo !== null) {
      diags.error('Conflicting passwords', 'Set either database.password or database.password_wo, not both.', ['database', 'password_wo']);
    }
    if ((db.password_wo_version ?? null) !== null && passwordWo === null && !isUnknown(passwordWo)) {
      diags.error('password_wo_version without password_wo', 'password_wo_version only makes sense with database.password_wo.', ['database', 'password_wo_version']);
    }
    const dataroot = config.dataroot ?? null;
    if (typeof dataroot === 'string' && !dataroot.startsWith('/')) {
      diags.error('Invalid dataroot', `dataroot must be an absolute path; got "${dataroot}".`, ['dataroot']);
    }
  },

  async modifyPlan({ prior, planned, config }, { provider, diags }) {
    const db = planned.database;
    if (!isObject(db)) return;
    const cfgDb = isObject(config.database) ? config.database : {};
    // Derived values are known at plan time, so other resources and outputs can use them.
    if ((cfgDb.user ?? null) === null) db.user = isUnknown(db.name ?? null) ? UNKNOWN : String(db.name).slice(0, 32);
    if ((cfgDb.password_wo ?? null) !== null) db.password = null;
    else if ((cfgDb.password ?? null) === null && prior && isObject(prior.database) && prior.database.password === null) db.password = UNKNOWN;
    if (!isKnown(db, 'server') || !isKnown(db, 'name')) planned.id = UNKNOWN;
    else planned.id = prior ? prior.id ?? null : tenantId(String(db.server), String(db.name));
    if (typeof planned.id === 'string') notePlannedTenant(provider, planned.id);
    planned.wwwroot = isKnown(planned, 'host') && isKnown(planned, 'https') ? wwwrootFor(String(planned.host), planned.https === true) : UNKNOWN;

    if ((config.dataroot ?? null) === null) {
      if (prior && typeof prior.dataroot === 'string') planned.dataroot = prior.dataroot;
      else if (!isKnown(planned, 'shortname')) planned.dataroot = UNKNOWN;
      else if (provider.datarootBase) planned.dataroot = `${provider.datarootBase.replace(/\/+$/, '')}/${String(planned.shortname)}`;
      else diags.error('No data folder', 'Set dataroot on the tenant, or dataroot_base in the provider block (or VMOODLE_DATAROOT_BASE).', ['dataroot']);
    }
    if (prior && typeof prior.id === 'string') {
      // Still configured, but its destroy was interrupted (see read): plan an update, which builds it again.
      const seen = await (await import('../tenant/observe')).observeTenant(provider, prior.id);
      if (seen?.row.state === 'deleting') planned.wwwroot = UNKNOWN;
    }

    if (prior) {
      const replace = replacementPaths(tenantSchema.attributes, prior, planned);
      if (replace.length > 0) {
        const changed = replace.map((p) => p.join('.')).join(', ');
        const priorDb = isObject(prior.database) ? String(prior.database.name) : '?';
        if (prior.deletion_protection === true) diags.error('Replacement refused', refuseDeletion(String(prior.host), `replace it (${changed} changed)`), replace[0]);
        else diags.error('Replacement refused', refuseReplacement(String(prior.host), changed, priorDb), replace[0]);
      }
    }

    const host = str(planned, 'host');
    if (host && typeof planned.id === 'string') {
      const other = claimHost(provider, host, planned.id);
      if (other) diags.error('Host already in use', `${host} is also the host of tenant ${other} in this configuration. Each host can belong to one tenant only.`, ['host']);
    }
    if (host && isKnown(planned, 'id')) {
      const registry = await provider.registry();
      const holder = await registry.getByHost(host);
      if (holder && holder.id !== planned.id) {
        diags.error('Host already in use', `${host} is already served by tenant ${holder.id}. Each host can belong to one tenant only.`, ['host']);
      }
    }
  },

  async planDestroy(prior, { diags }) {
    if (bool(prior, 'deletion_protection') !== false) diags.error('Destroy refused', refuseDeletion(String(prior.host), 'destroy it'), ['deletion_protection']);
  },

  async create({ planned, config }, { provider }) {
    const spec = specFromValue(planned);
    const cfgDb = obj(config, 'database');
    spec.database.passwordWo = cfgDb ? str(cfgDb, 'password_wo') : null;
    const created = await (await provision()).createTenant(provider, spec);
    return specToValue(created);
  },

  async read(state, { provider, diags }) {
    const previous = specFromValue(state);
    const seen = await (await import('../tenant/observe')).observeTenant(provider, previous.id);
    if (!seen) return null;
    // An interrupted destroy (terraform or the provider killed, the server lost): the tenant stays in
    // state, so the next apply finishes the destroy when the tenant has left the configuration, or
    // builds it again when it is back (modifyPlan, update). Returning null made Terraform forget it:
    // its registry row (holding the host), and whatever the destroy had not dropped yet, stayed
    // orphaned for good (hardening suite, provider-faults).
    if (seen.row.state === 'deleting') {
      diags.warning(`Tenant ${seen.row.host} was being destroyed`, 'A destroy of this tenant was interrupted. The next apply finishes it if the tenant is no longer in the configuration, or creates the tenant again if it is.');
      return state;
    }
    if (seen.row.state !== 'active') return null;
    if (!seen.databaseExists || !seen.userExists) {
      const missing = [!seen.databaseExists && `database ${seen.row.dbname}`, !seen.userExists && `user ${seen.row.dbuser}`].filter(Boolean).join(' and ');
      diags.warning(`Tenant ${seen.row.host} is incomplete`, `The ${missing} no longer exist(s) on server ${seen.row.server}; the next apply re-creates the tenant.`);
      return null;
    }
    return specToValue(specFromRow(seen.row, previous));
  },

  async update({ prior, planned, config }, { provider }) {
    const before = specFromValue(prior);
    // wwwroot is planned unknown only to rebuild a tenant whose destroy was interrupted (modifyPlan).
    const after = specFromValue(isUnknown(planned.wwwroot ?? null) ? { ...planned, wwwroot: wwwrootFor(String(planned.host), planned.https === true) } : planned);
    const cfgDb = obj(config, 'database');
    after.database.passwordWo = cfgDb ? str(cfgDb, 'password_wo') : null;
    const plannedDb = obj(planned, 'database');
    const rotate =
      (plannedDb !== null && isUnknown(plannedDb.password ?? null)) ||
      (after.database.password !== null && after.database.password !== before.database.password) ||
      (after.database.passwordWo !== null && after.database.passwordWoVersion !== before.database.passwordWoVersion);
    // Back in the configuration after an interrupted destroy: create it again (provision resumes
    // from the registry row, as for an interrupted create).
    const row = await (await provider.registry()).getById(before.id);
    if (row?.state === 'deleting') return specToValue(await (await provision()).createTenant(provider, after));
    const updated = await (await provision()).updateTenant(provider, before, after, rotate, after.database.passwordWo !== null);
    return specToValue(updated);
  },

  async delete(prior, { provider }) {
    const spec = specFromValue(prior);
    if (spec.deletionProtection) throw new Error(refuseDeletion(spec.host, 'destroy it'));
    await (await provision()).deleteTenant(provider, spec);
  },

  async importState(id, { provider }) {
    const parsed = parseTenantAddress(id.trim().toLowerCase());
    if (!parsed.ok) throw new Error(`"${id}" is not a tenant host: ${parsed.reason}. Import with the host, e.g. terraform import vmoodle_tenant.physics physics.example.edu`);
    const registry = await provider.registry();
    const row = await registry.getByHost(tenantKey(parsed.host, parsed.subpath));
    if (!row || row.state !== 'active') return null;
    return specToValue(specFromRow(row, null)) as ObjectValue;
  },
};
