// vmoodle_maintenance: maintenance mode on a set of tenants, in Moodle's site mode (the
// `maintenance_enabled` setting; admins still get in) or CLI mode ({dataroot}/climaintenance.html;
// nobody gets in). `applied` is what each tenant really shows, re-read on refresh.
import { T, type BlockSchema } from '../framework/schema';
import type { Resource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import { isObject } from '../framework/plan';
import { UNKNOWN } from '../plugin/cty';
import type { Diagnostics } from '../framework/diagnostics';
import type { VmoodleContext } from '../provider';
import { tenantDb } from '../fleet/tenant-db';
import { applyMaintenance, endMaintenance, observeMaintenance, expectedMaintenance, type MaintenanceDesired, type MaintenanceObserved } from '../moodle/maintenance';
import { tenantsAttribute, knownIds, planTenants, validateTenants, resolveForApply, resolveQuietly, resolveForImport, forEachTenant, reportFailures, tenantLabel, asRecord, newId, whollyKnown } from './fleet-admin-common';

export const maintenanceSchema: BlockSchema = {
  version: 0,
  description:
    'Maintenance mode on a set of tenants. `site` mode sets Moodle\'s maintenance setting (site administrators can still log in); `cli` mode writes ' +
    '`{dataroot}/climaintenance.html` the way `admin/cli/maintenance.php --enable` does, which Moodle checks before it even connects to the database, ' +
    'so every request, admins included, gets the page. Removing a tenant from `tenants` or destroying the resource ends maintenance there.',
  attributes: {
    id: { type: T.string, computed: true, description: 'Random identifier, fixed at creation.' },
    tenants: tenantsAttribute,
    enabled: { type: T.bool, default: true, description: 'Whether the tenants are in maintenance.' },
    mode: {
      type: T.string,
      default: 'site',
      validate: [(v) => (v === 'site' || v === 'cli' ? null : `mode must be "site" or "cli"; got "${String(v)}".`)],
      description: '`site` (the maintenance_enabled setting) or `cli` (the climaintenance.html file in the data folder).',
    },
    message: {
      type: T.string,
      default: '',
      description: 'HTML shown to visitors (also stored as the maintenance_message setting). In `cli` mode an empty message uses `{dataroot}/climaintenance.template.html` if present, else Moodle\'s default page.',
    },
    applied: {
      type: T.map(T.object({ site: T.bool, cli: T.bool, message: T.string })),
      computed: true,
      description: 'Per tenant id, as found: `site` = maintenance setting on, `cli` = climaintenance.html present, `message` = the message shown.',
    },
  },
};

function desired(o: ObjectValue): MaintenanceDesired {
  return { enabled: o.enabled !== false, mode: o.mode === 'cli' ? 'cli' : 'site', message: typeof o.message === 'string' ? o.message : '' };
}

const encode = (o: MaintenanceObserved): ObjectValue => ({ site: o.site, cli: o.cli, message: o.message });

/** Every tenant the prior state may have left in maintenance: the list, plus leavers whose ending failed. */
function managed(prior: ObjectValue | null): string[] {
  if (!prior) return [];
  return [...new Set([...(knownIds(prior) ?? []), ...Object.keys(asRecord(prior.applied))])];
}

async function applyAll(planned: ObjectValue, prior: ObjectValue | null, ctx: VmoodleContext, diags: Diagnostics): Promise<ObjectValue> {
  const ids = knownIds(planned) ?? [];
  const d = desired(planned);
  const priorApplied = asRecord(prior?.applied);
  const rows = await resolveForApply(ctx, ids, diags);
  const seen = new Map<string, MaintenanceObserved>();
  const outcomes = await forEachTenant(rows, async (row) => {
    seen.set(row.id, await applyMaintenance(tenantDb(ctx, row), d));
  });
  reportFailures(diags, d.enabled ? `Entering ${d.mode} maintenance` : 'Ending maintenance', outcomes, ids);

  const leaving = await resolveQuietly(ctx, managed(prior).filter((id) => !ids.includes(id)));
  const ends = await forEachTenant(leaving, (row) => endMaintenance(tenantDb(ctx, row)));
  reportFailures(diags, 'Ending maintenance on a tenant removed from the list', ends, []);

  const applied: ObjectValue = {};
  for (const id of ids) {
    const s = seen.get(id);
    if (s) applied[id] = encode(s);
    else if (priorApplied[id] !== undefined) applied[id] = priorApplied[id]!;
  }
  // A leaver still in maintenance stays recorded, so the next plan retries ending it.
  for (const o of ends) if (!o.ok && priorApplied[o.row.id] !== undefined) applied[o.row.id] = priorApplied[o.row.id]!;
  return { ...planned, applied };
}

export const maintenanceResource: Resource<VmoodleContext> = {
  typeName: 'vmoodle_maintenance',
  schema: maintenanceSchema,

  validate(config, diags) {
    validateTenants(config, diags);
  },

  async modifyPlan({ prior, planned }, { provider, diags }) {
    const ids = await planTenants(prior, planned, provider, diags);
    if (ids === null) {
      planned.applied = UNKNOWN;
      return;
    }
    const known = whollyKnown(planned.enabled) && whollyKnown(planned.mode) && whollyKnown(planned.message);
    const applied: ObjectValue = {};
    for (const id of ids) applied[id] = known ? encode(expectedMaintenance(desired(planned))) : UNKNOWN;
    planned.applied = applied;
  },

  async create({ planned }, { provider, diags }) {
    return applyAll({ ...planned, id: newId('maintenance') }, null, provider, diags);
  },

  async update({ prior, planned }, { provider, diags }) {
    return applyAll(planned, prior, provider, diags);
  },

  async read(state, { provider, diags }) {
    const ids = knownIds(state) ?? [];
    const prior = asRecord(state.applied);
    const rows = await resolveQuietly(provider, ids);
    const seen = new Map<string, MaintenanceObserved>();
    const outcomes = await forEachTenant(rows, async (row) => {
      seen.set(row.id, await observeMaintenance(tenantDb(provider, row)));
    });
    for (const o of outcomes) if (!o.ok) diags.warning(`Could not read maintenance state on tenant ${tenantLabel(o.row)}`, `${o.error ?? ''}\nThe tenant is left out of applied, so the plan shows it as still to do.`);
    const applied: ObjectValue = {};
    for (const id of ids) {
      const s = seen.get(id);
      if (s) applied[id] = encode(s);
    }
    for (const [id, v] of Object.entries(prior)) if (!ids.includes(id)) applied[id] = v;
    return { ...state, applied };
  },

  async delete(prior, { provider }) {
    const rows = await resolveQuietly(provider, managed(prior));
    const outcomes = await forEachTenant(rows, (row) => endMaintenance(tenantDb(provider, row)));
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) throw new Error(`Could not end maintenance on ${failed.length} tenant(s); destroy again to retry:\n${failed.map((o) => `- ${tenantLabel(o.row)}: ${o.error}`).join('\n')}`);
  },

  async importState(id, { provider }) {
    const ids = id.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) throw new Error('Import id must be <tenant id>[,<tenant id>...], e.g. default/moodle_physics,default/moodle_maths.');
    const rows = await resolveForImport(provider, ids);
    const applied: ObjectValue = {};
    for (const row of rows) applied[row.id] = encode(await observeMaintenance(tenantDb(provider, row)));
    const first = applied[ids[0]!];
    const f = isObject(first) ? first : {};
    return {
      id: newId('maintenance'),
      tenants: ids,
      enabled: f.site === true || f.cli === true,
      mode: f.cli === true ? 'cli' : 'site',
      message: typeof f.message === 'string' ? f.message : '',
      applied,
    };
  },
};
