// vmoodle_cache_purge: Moodle's purge_all_caches() on a set of tenants, run on create and again
// whenever `triggers` change (like null_resource). `purged` records, per tenant, when its purge
// happened: a tenant whose purge failed (or that joins the list) is absent, so the next plan
// shows exactly the purges still to do.
import { T, type BlockSchema } from '../framework/schema';
import type { Resource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import { UNKNOWN } from '../plugin/cty';
import type { Diagnostics } from '../framework/diagnostics';
import type { VmoodleContext } from '../provider';
import { tenantDb } from '../fleet/tenant-db';
import { purgeAllCaches } from '../moodle/caches';
import { tenantsAttribute, knownIds, planTenants, validateTenants, resolveForApply, forEachTenant, reportFailures, stringRecord, newId } from './fleet-admin-common';

export const cachePurgeSchema: BlockSchema = {
  version: 0,
  description:
    "Purges every cache of a set of tenants the way Moodle's `purge_all_caches()` does: the revision settings (`themerev`, `jsrev`, `templaterev`, " +
    '`langrev`, `localcachedirpurged`) and every course\'s `cacherev` are bumped, `filterall` is recomputed, and the cache folders (`{dataroot}/cache`, ' +
    '`{dataroot}/localcache`) are emptied. Runs on create, again for every tenant whenever `triggers` change, and for tenants added to `tenants`. ' +
    'Destroying it does nothing.',
  attributes: {
    id: { type: T.string, computed: true, description: 'Random identifier, new on every purge of all tenants.' },
    tenants: tenantsAttribute,
    triggers: {
      type: T.map(T.string),
      optional: true,
      requiresReplace: true,
      description: 'Arbitrary values; any change purges all tenants again, e.g. `{ release = var.moodle_release }`.',
    },
    purged: { type: T.map(T.string), computed: true, description: 'Per tenant id: when its caches were purged (RFC 3339, UTC).' },
  },
};

async function purge(planned: ObjectValue, done: Record<string, string>, ctx: VmoodleContext, diags: Diagnostics): Promise<ObjectValue> {
  const ids = knownIds(planned) ?? [];
  const rows = await resolveForApply(ctx, ids.filter((id) => !(id in done)), diags);
  const purged: Record<string, string> = {};
  for (const id of ids) if (done[id] !== undefined) purged[id] = done[id]!;
  const outcomes = await forEachTenant(rows, async (row) => {
    await purgeAllCaches(tenantDb(ctx, row));
    purged[row.id] = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  });
  reportFailures(diags, 'Purging caches', outcomes, ids);
  const ordered: Record<string, string> = {};
  for (const id of ids) if (purged[id] !== undefined) ordered[id] = purged[id]!;
  return { ...planned, purged: ordered };
}

export const cachePurgeResource: Resource<VmoodleContext> = {
  typeName: 'vmoodle_cache_purge',
  schema: cachePurgeSchema,

  validate(config, diags) {
    validateTenants(config, diags);
  },

  async modifyPlan({ prior, planned }, { provider, diags }) {
    const ids = await planTenants(prior, planned, provider, diags);
    if (ids === null) {
      planned.purged = UNKNOWN;
      return;
    }
    const done = stringRecord(prior?.purged);
    const purged: ObjectValue = {};
    for (const id of ids) purged[id] = done[id] ?? UNKNOWN;
    planned.purged = purged;
  },

  async create({ planned }, { provider, diags }) {
    return purge({ ...planned, id: newId('purge') }, {}, provider, diags);
  },

  async update({ prior, planned }, { provider, diags }) {
    return purge(planned, stringRecord(prior.purged), provider, diags);
  },

  async read(state) {
    return state;
  },

  async delete() {
    // A purge cannot be undone and leaves nothing behind.
  },
};
