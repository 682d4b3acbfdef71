// vmoodle_sql_broadcast through the real terraform CLI on three fixture tenants (one with another
// table prefix) in a private MariaDB: statements in the plan, {prefix}, one transaction per tenant,
// a failing tenant reported while the others succeed, and the retry of that tenant alone, both after
// a failed create (Terraform taints it; the markers each run leaves on its tenant say where it ran)
// and after a failed update.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, registryRows, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK } from '../helpers/terraform';
import { moodleFixturePath } from '../helpers/mariadb';

let fleet: Fleet;
const SITES: ReadonlyArray<{ name: string; prefix: string }> = [
  { name: 'alpha', prefix: 'mdl_' },
  { name: 'beta', prefix: 'm2_' },
  { name: 'gamma', prefix: 'mdl_' },
];
const ALL = `[${SITES.map((s) => `vmoodle_tenant.${s.name}.id`).join(', ')}]`;

function tenants(): string {
  return SITES.map(
    (s) => `
resource "vmoodle_tenant" "${s.name}" {
  host                = "${s.name}.example.edu"
  name                = "${s.name}"
  shortname           = "${s.name}"
  database            = { name = "moodle_${s.name}", prefix = "${s.prefix}" }
  template            = "${moodleFixturePath()}"
  deletion_protection = false
}
`,
  ).join('');
}

const COUNT = "INSERT INTO {prefix}config (name, value) VALUES ('broadcast_count', '1') ON DUPLICATE KEY UPDATE value = value + 1";
const BLOCK = "UPDATE {prefix}block SET visible = 0 WHERE name = 'online_users'";

function config(parts: { rev?: string; escape?: boolean } = {}): string {
  const escape = `
resource "vmoodle_sql_broadcast" "escape" {
  tenants    = [vmoodle_tenant.alpha.id]
  statements = ["UPDATE moodle_beta.m2_config SET value = 'hijacked' WHERE name = 'broadcast_count'"]
}
`;
  return (
    PROVIDER_BLOCK +
    tenants() +
    `
resource "vmoodle_sql_broadcast" "counter" {
  tenants    = ${ALL}
  statements = [${JSON.stringify(COUNT)}, ${JSON.stringify(BLOCK)}]
  triggers   = { rev = "${parts.rev ?? '1'}" }
}
` +
    (parts.escape ? escape : '')
  );
}

async function run(args: string[]): Promise<{ code: number | null; out: string }> {
  const r = await fleet.ws.tf([args[0]!, '-no-color', '-input=false', ...args.slice(1)]);
  return { code: r.code, out: r.stdout + r.stderr };
}

function loose(text: string): RegExp {
  return new RegExp(text.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('[\\s│]+'));
}

async function count(site: string): Promise<number | null> {
  const prefix = SITES.find((s) => s.name === site)!.prefix;
  const [rows] = await fleet.admin.query(`SELECT value FROM moodle_${site}.${prefix}config WHERE name = 'broadcast_count'`);
  const row = (rows as Array<{ value: string }>)[0];
  return row ? Number(row.value) : null;
}

async function counts(): Promise<Record<string, number | null>> {
  return { alpha: await count('alpha'), beta: await count('beta'), gamma: await count('gamma') };
}

interface Result {
  status: string;
  rows_affected: number | null;
  error: string | null;
  statement: number | null;
}

/** The counter's results and taint status, from `terraform show -json`. */
async function stateOf(name = 'counter'): Promise<{ results: Record<string, Result>; tainted: boolean }> {
  const shown = JSON.parse((await fleet.ws.ok(['show', '-json'])).stdout) as {
    values?: { root_module?: { resources?: Array<{ address: string; values: { results: Record<string, Result> }; tainted?: boolean }> } };
  };
  const r = shown.values?.root_module?.resources?.find((x) => x.address === `vmoodle_sql_broadcast.${name}`);
  assert.ok(r, `vmoodle_sql_broadcast.${name} is in state`);
  return { results: r.values.results, tainted: r.tainted === true };
}

const breakGamma = () => fleet.admin.query('RENAME TABLE moodle_gamma.mdl_block TO moodle_gamma.mdl_block_away');
const repairGamma = () => fleet.admin.query('RENAME TABLE moodle_gamma.mdl_block_away TO moodle_gamma.mdl_block');

before(async () => {
  fleet = await startFleet();
});

after(async () => {
  await fleet?.stop();
});

test('three fixture tenants, one with table prefix m2_', async () => {
  fleet.ws.write({ 'main.tf': PROVIDER_BLOCK + tenants() });
  assert.equal((await run(['init'])).code, 0);
  const r = await run(['apply', '-auto-approve']);
  assert.equal(r.code, 0, r.out);
});

test('the plan shows the statements; a failing tenant is reported and rolled back while the others succeed', async () => {
  await breakGamma();
  // Moodle's cached settings (MUC core/config, file store) in every site.
  const configCache = (dataroot: string) => join(dataroot, 'cache', 'cachestore_file', 'default_application', 'core_config');
  const rows = await registryRows(fleet.admin);
  for (const row of rows) {
    mkdirSync(join(configCache(row.dataroot), 'abc-cache'), { recursive: true });
    writeFileSync(join(configCache(row.dataroot), 'abc-cache', 'abc.cache'), 'stale');
  }
  fleet.ws.write({ 'main.tf': config({ escape: true }) });
  const plan = await run(['plan']);
  assert.equal(plan.code, 0, plan.out);
  assert.ok(plan.out.includes(JSON.stringify(COUNT).slice(1, -1)), 'statement 1 in plan');
  assert.ok(plan.out.includes(JSON.stringify(BLOCK).slice(1, -1)), 'statement 2 in plan');

  const r = await run(['apply', '-auto-approve']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /SQL broadcast failed on gamma\.example\.edu/);
  assert.match(r.out, loose('statement 2 of 2 (all statements rolled back on this tenant)'));
  assert.match(r.out, loose("moodle_gamma.mdl_block' doesn't exist"));
  assert.doesNotMatch(r.out, /failed on (beta)\.example\.edu/);
  // {prefix} found mdl_ and m2_ tables; gamma's first statement was undone with its second.
  assert.deepEqual(await counts(), { alpha: 1, beta: 1, gamma: null });
  const [blocks] = await fleet.admin.query("SELECT visible FROM moodle_beta.m2_block WHERE name = 'online_users'");
  assert.equal((blocks as Array<{ visible: number }>)[0]!.visible, 0);
  // Each successful run left its marker, in the same transaction; gamma has none.
  const markers = async (db: string, prefix: string) => (await fleet.admin.query(`SELECT value FROM ${db}.${prefix}config_plugins WHERE plugin = 'vmoodle_sql_broadcast'`))[0] as Array<{ value: string }>;
  assert.equal(JSON.parse((await markers('moodle_alpha', 'mdl_'))[0]!.value).rows_affected, 2);
  assert.equal((await markers('moodle_beta', 'm2_')).length, 1);
  assert.equal((await markers('moodle_gamma', 'mdl_')).length, 0);
  // purge_caches = "config" (the default): dropped where the statements committed, kept on gamma.
  const cached = (host: string) => existsSync(configCache(rows.find((r) => r.host === host)!.dataroot));
  assert.deepEqual([cached('alpha.example.edu'), cached('beta.example.edu'), cached('gamma.example.edu')], [false, false, true]);

  // The tenant's own database user cannot reach another tenant's database.
  assert.match(r.out, /SQL broadcast failed on alpha\.example\.edu/);
  assert.match(r.out, /denied/);
  assert.equal(await count('beta'), 1, 'beta untouched by the escape attempt');

  const { results, tainted } = await stateOf();
  assert.equal(tainted, true, 'a create that failed somewhere is tainted by Terraform');
  assert.deepEqual(results['default/moodle_alpha'], { status: 'succeeded', rows_affected: 2, error: null, statement: null });
  assert.equal(results['default/moodle_beta']!.status, 'succeeded');
  assert.equal(results['default/moodle_gamma']!.status, 'failed');
  assert.equal(results['default/moodle_gamma']!.statement, 2);
  assert.match(results['default/moodle_gamma']!.error!, /mdl_block' doesn't exist/);
});

test('after repair, the next apply runs on the failed tenant only (even though the create was tainted)', async () => {
  await repairGamma();
  fleet.ws.write({ 'main.tf': config() });
  const plan = await run(['plan']);
  assert.match(plan.out, /vmoodle_sql_broadcast\.counter is tainted, so must be replaced/);
  // Only gamma is to run: alpha and beta are known from their markers (Terraform gives a tainted
  // object's re-create no prior state).
  assert.match(plan.out, /~ "default\/moodle_gamma" = \{\n[^}]*\} -> \(known after apply\)/);
  assert.match(plan.out, /# \(2 unchanged elements hidden\)/);
  assert.doesNotMatch(plan.out, /"default\/moodle_(alpha|beta)" = \{\n[^}]*\} -> \(known after apply\)/);
  const r = await run(['apply', '-auto-approve']);
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(await counts(), { alpha: 1, beta: 1, gamma: 1 });
  const { results, tainted } = await stateOf();
  assert.equal(tainted, false);
  for (const id of ['default/moodle_alpha', 'default/moodle_beta', 'default/moodle_gamma']) assert.equal(results[id]!.status, 'succeeded', id);
  const again = await run(['plan', '-detailed-exitcode']);
  assert.equal(again.code, 0, again.out);
});

test('changed triggers run everywhere again; a failed update is retried on that tenant alone', async () => {
  await breakGamma();
  fleet.ws.write({ 'main.tf': config({ rev: '2' }) });
  const r = await run(['apply', '-auto-approve']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /SQL broadcast failed on gamma\.example\.edu/);
  assert.deepEqual(await counts(), { alpha: 2, beta: 2, gamma: 1 });
  const failed = await stateOf();
  assert.equal(failed.tainted, false);
  assert.equal(failed.results['default/moodle_gamma']!.status, 'failed');

  await repairGamma();
  const plan = await run(['plan', '-detailed-exitcode']);
  assert.equal(plan.code, 2, plan.out);
  assert.match(plan.out, /vmoodle_sql_broadcast\.counter will be updated in-place/);
  const retry = await run(['apply', '-auto-approve']);
  assert.equal(retry.code, 0, retry.out);
  assert.deepEqual(await counts(), { alpha: 2, beta: 2, gamma: 2 });
  assert.equal((await run(['plan', '-detailed-exitcode'])).code, 0);
});

test('a tenant id that is neither registered nor planned is refused at plan time', async () => {
  fleet.ws.write({
    'main.tf':
      config({ rev: '2' }) +
      `
resource "vmoodle_sql_broadcast" "typo" {
  tenants    = [vmoodle_tenant.alpha.id, "default/moodle_alhpa"]
  statements = ["SELECT 1"]
}
`,
  });
  const plan = await run(['plan']);
  assert.equal(plan.code, 1, plan.out);
  assert.match(plan.out, /Unknown tenant/);
  assert.match(plan.out, /No active tenant has id "default\/moodle_alhpa"/);
});
