// vmoodle_sql_broadcast: statements run once per tenant, each tenant in its own transaction, again
// when `triggers` (or the statements) change. The plan decides where they run: every tenant whose
// result is "(known after apply)" — new tenants, tenants that failed last time, or all of them after
// a change — and apply runs exactly there. What "already ran" means comes from the prior state and,
// where that says nothing (a create, or the re-create of a create Terraform tainted because some
// tenants failed), from the marker each run leaves on its tenant. The statements are plain (not
// sensitive) attributes because the plan is their audit trail.
import { randomBytes } from 'node:crypto';
import { T, type BlockSchema } from '../framework/schema';
import type { Resource } from '../framework/resource';
import { isObject, type ObjectValue } from '../framework/plan';
import type { Diagnostics } from '../framework/diagnostics';
import { str, stringList, stringMap } from '../framework/values';
import { UNKNOWN, CtyNumber, type CtyValue } from '../plugin/cty';
import type { VmoodleContext } from '../provider';
import { checkTenantList, resolveTenants } from '../fleet/targets';
import { forEachTenant } from '../fleet/each';
import { BroadcastError, PURGE_MODES, RUN_AS, findMarker, isImplicitCommit, purgeAfterRun, runOnTenant, type BroadcastRun, type PurgeMode, type RunAs } from '../moodle/sql-broadcast';
import { failed, fingerprint, succeeded, type TenantResult } from '../moodle/sql-broadcast-state';
import { tenantsAtPlan } from '../moodle/roles-check';
import { knownList, knownMap, tenantsAttribute } from './role';

const resultType = T.object({ status: T.string, rows_affected: T.number, error: T.string, statement: T.number });

export const sqlBroadcastSchema: BlockSchema = {
  version: 0,
  description:
    'SQL statements run once on each tenant, all of them in one transaction per tenant, and again when `statements` or `triggers` change. A tenant that fails is reported by name and retried on the next apply; the others are not run again. Each run leaves a marker in the tenant\'s `config_plugins` (plugin `vmoodle_sql_broadcast`, name = a hash of statements and triggers) in the same transaction, so the same statements and triggers never run twice on a tenant, even after a re-create; change `triggers` to run them again. Destroying the resource runs nothing.',
  attributes: {
    id: { type: T.string, computed: true, stable: true, description: 'Random identifier of this broadcast.' },
    tenants: tenantsAttribute,
    statements: {
      type: T.list(T.string),
      required: true,
      validate: [(v: CtyValue) => (Array.isArray(v) && v.length === 0 ? 'list at least one statement' : null)],
      description:
        'SQL statements, one per element, run in order. `{prefix}` is replaced by the tenant\'s table prefix (`UPDATE {prefix}config SET …`). Statements that MySQL commits implicitly (CREATE, ALTER, DROP, TRUNCATE, …) cannot be rolled back.',
    },
    triggers: { type: T.map(T.string), optional: true, description: 'Arbitrary values; changing any of them runs the statements again on every tenant.' },
    run_as: {
      type: T.string,
      default: 'tenant',
      validate: [(v) => (typeof v === 'string' && !RUN_AS.includes(v as RunAs) ? 'run_as must be "tenant" or "admin"' : null)],
      description: '`tenant`: connect as the tenant\'s own database user (it can reach its own database only). `admin`: connect as the server\'s admin user, with the tenant\'s database selected.',
    },
    purge_caches: {
      type: T.string,
      default: 'config',
      validate: [(v) => (typeof v === 'string' && !PURGE_MODES.includes(v as PurgeMode) ? 'purge_caches must be "none", "config" or "all"' : null)],
      description:
        'What to invalidate on each tenant after its statements committed: `config` drops Moodle\'s cache of `config`/`config_plugins` (so changed settings take effect), `all` does the equivalent of purge_all_caches(), `none` nothing.',
    },
    results: {
      type: T.map(resultType),
      computed: true,
      description:
        'Tenant id → outcome of the last run there: `status` (`succeeded` or `failed`), `rows_affected` (sum over the statements), `error` and `statement` (1-based index of the failing statement).',
    },
  },
};

function num(v: CtyValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (v instanceof CtyNumber) return Number(v.decimal);
  return null;
}

/** Results in a state value, as TenantResults; unknown entries are skipped. */
function readResults(v: ObjectValue): Record<string, TenantResult> {
  const raw = v.results ?? null;
  if (!isObject(raw)) return {};
  const out: Record<string, TenantResult> = {};
  for (const [id, r] of Object.entries(raw)) {
    if (!isObject(r)) continue;
    out[id] = {
      status: r.status === 'succeeded' ? 'succeeded' : 'failed',
      rows_affected: num(r.rows_affected),
      error: typeof r.error === 'string' ? r.error : null,
      statement: num(r.statement),
    };
  }
  return out;
}

function fingerprintOf(v: ObjectValue): string {
  return fingerprint(stringList(v, 'statements') ?? [], stringMap(v, 'triggers') ?? {});
}

async function run(planned: ObjectValue, provider: VmoodleContext, diags: Diagnostics): Promise<ObjectValue> {
  const ids = stringList(planned, 'tenants') ?? [];
  const statements = stringList(planned, 'statements') ?? [];
  const runAs = (str(planned, 'run_as') ?? 'tenant') as RunAs;
  const plannedResults = planned.results ?? null;
  const carried = isObject(plannedResults) ? readResults(planned) : {};
  const toRun = new Set(ids.filter((id) => !(id in carried)));

  const rows = (await resolveTenants(provider, ids, ['tenants'], diags)).filter((r) => toRun.has(r.id));
  const results: Record<string, TenantResult> = { ...carried };
  for (const id of toRun) results[id] = failed('tenant is not registered', null);
  const purge = (str(planned, 'purge_caches') ?? 'config') as PurgeMode;
  const fp = fingerprintOf(planned);
  const outcomes = await forEachTenant(rows, async (row) => {
    let ran: BroadcastRun;
    try {
      ran = await runOnTenant(provider, row, statements, runAs, fp);
    } catch (err) {
      const index = err instanceof BroadcastError ? err.statement : null;
      results[row.id] = failed(err instanceof Error ? err.message : String(err), index === null ? null : index + 1);
      throw err;
    }
    // Committed: a cache that cannot be purged is a warning, never a reason to run the statements again.
    if (!ran.alreadyRan) {
      await purgeAfterRun(provider, row, purge).catch((err: unknown) =>
        diags.warning(`Caches not purged on ${row.host}`, `Tenant ${row.host} (${row.id}): the statements committed, but purging its caches failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    return succeeded(ran.rowsAffected);
  });
  for (const o of outcomes) {
    if (o.ok) {
      results[o.row.id] = o.value!;
      continue;
    }
    const r = results[o.row.id]!;
    diags.error(
      `SQL broadcast failed on ${o.row.host}`,
      `Tenant ${o.row.host} (${o.row.id}): ${r.error}. Nothing was changed there; the other tenants are not affected. The next apply retries this tenant only.`,
      r.statement !== null ? ['statements', r.statement - 1] : ['tenants'],
    );
  }

  const id = typeof planned.id === 'string' ? planned.id : randomBytes(8).toString('hex');
  return { ...planned, id, results: Object.fromEntries(ids.map((tid) => [tid, { ...results[tid]! }])) };
}

export const sqlBroadcastResource: Resource<VmoodleContext> = {
  typeName: 'vmoodle_sql_broadcast',
  schema: sqlBroadcastSchema,

  validate(config, diags) {
    const ids = knownList(config, 'tenants');
    if (ids) checkTenantList(ids, ['tenants'], diags);
    (knownList(config, 'statements') ?? []).forEach((s, i) => {
      if (s.trim() === '') diags.error('Empty statement', 'Each element of statements must hold one SQL statement.', ['statements', i]);
      else if (isImplicitCommit(s)) {
        diags.warning('Statement commits implicitly', `Statement ${i + 1} is DDL: MySQL/MariaDB commit it at once, so it is not undone when a later statement fails on the same tenant.`, ['statements', i]);
      } else if (/\bmdl_[a-z]/.test(s) && !s.includes('{prefix}')) {
        diags.warning('Hard-coded table prefix', `Statement ${i + 1} names mdl_… tables; write {prefix}… so it works on tenants with another prefix.`, ['statements', i]);
      }
    });
  },

  async modifyPlan({ prior, planned }, { provider, diags }) {
    const ids = knownList(planned, 'tenants');
    const statements = knownList(planned, 'statements');
    const triggers = knownMap(planned, 'triggers');
    if (ids === null || statements === null || triggers === null) {
      planned.results = UNKNOWN;
      return;
    }
    const fp = fingerprint(statements, triggers);
    // Kept: the successes of the same run in the prior state, then whatever the tenants' markers say.
    const done: Record<string, TenantResult> = {};
    if (prior && fingerprintOf(prior) === fp) {
      for (const [id, r] of Object.entries(readResults(prior))) if (r.status === 'succeeded') done[id] = r;
    }
    const registered = await tenantsAtPlan(provider, ids, diags);
    const ask = registered.filter((r) => !done[r.id]);
    const markers = await forEachTenant(ask, (row) => findMarker(provider, row, fp));
    // A tenant whose marker cannot be read is planned to run: the run checks the marker again.
    for (const m of markers) if (m.ok && m.value) done[m.row.id] = succeeded(m.value.rows_affected);
    planned.results = Object.fromEntries(ids.map((id): [string, CtyValue] => [id, done[id] ? { ...done[id] } : UNKNOWN]));
  },

  async create({ planned }, { provider, diags }) {
    return run(planned, provider, diags);
  },

  async update({ planned }, { provider, diags }) {
    return run(planned, provider, diags);
  },

  async read(state) {
    // Nothing to observe: a statement's effect is not a state we could compare with.
    return state;
  },

  async delete() {
    // Statements cannot be undone; destroying the resource only forgets them. The markers stay on the
    // tenants (their record of what ran there).
  },
};

