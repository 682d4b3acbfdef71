// The CDKTF layer end to end: the generated bindings are reproducible, the example app's synth
// output says what the nodelist says (resources, derived names, references), terraform validates it,
// and the real terraform applies 30 tenants to a private MariaDB with an empty plan afterwards.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkspace } from '../helpers/terraform';
import { startFleet, databases, registryRows, type Fleet } from '../helpers/fleet';
import { moodleFixturePath } from '../helpers/mariadb';
import { MODULES, EXAMPLE, requireBuilt, run, runWithModules, describeRun, copyExample, referencedName, type SynthJson, type RunResult } from './harness';

/** The example creates every school from a Moodle dump: MNET and plugin states live in its tables. */
const EXAMPLE_ENV: NodeJS.ProcessEnv = { ...process.env, MOODLE_TEMPLATE: moodleFixturePath() };

interface NodelistRow {
  host: string;
  name: string;
  shortname: string;
  vdbname: string;
  vdblogin: string;
  mnet: string;
  enabled: string;
  theme: string;
}

/** The example's nodelist, read naively (it has no escapes) to compute what synth must produce. */
function exampleRows(): NodelistRow[] {
  const lines = readFileSync(join(EXAMPLE, 'nodelist.csv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const header = lines.shift()!.split(';');
  assert.deepEqual(header, ['vhostname', 'name', 'shortname', 'description', 'vdbname', 'vdblogin', 'mnet', 'enabled', 'config_theme']);
  return lines.map((l) => {
    const c = l.split(';');
    return { host: c[0]!.replace('https://', ''), name: c[1]!, shortname: c[2]!, vdbname: c[4]!, vdblogin: c[5]!, mnet: c[6]!, enabled: c[7]!, theme: c[8]! };
  });
}

const expectedDatabase = (r: NodelistRow): string => r.vdbname || `moodle_${r.shortname.replace(/-/g, '_')}`;

async function synthCopy(env: NodeJS.ProcessEnv = EXAMPLE_ENV): Promise<{ dir: string; result: RunResult; json?: SynthJson; text?: string }> {
  const dir = copyExample();
  const result = await run(process.execPath, ['scripts/run.js', 'synth'], { cwd: dir, env });
  if (result.code !== 0) return { dir, result };
  const text = readFileSync(join(dir, 'cdktf.out', 'stacks', 'constellation', 'cdk.tf.json'), 'utf8');
  return { dir, result, text, json: JSON.parse(text) as SynthJson };
}

let synthText = '';
let synth: SynthJson;

before(async () => {
  requireBuilt();
  const s = await synthCopy();
  assert.equal(s.result.code, 0, describeRun('synth', s.result));
  synthText = s.text!;
  synth = s.json!;
});

test('generated bindings and spec types are byte-identical when regenerated from the provider schema', async () => {
  const r = await run(process.execPath, ['scripts/generate.js', '--check'], { cwd: MODULES, timeoutMs: 120_000 });
  assert.equal(r.code, 0, describeRun('npm run get:check', r));
  assert.match(r.stdout, /modules\/\.gen is up to date/);
});

test('synth output: one tenant per nodelist row, with names derived from the shortname and deletion protection on', () => {
  const rows = exampleRows();
  assert.equal(rows.length, 30);
  const tenants = Object.values(synth.resource?.vmoodle_tenant ?? {});
  assert.equal(tenants.length, 30);
  const byHost = new Map(tenants.map((t) => [t.host as string, t]));
  for (const row of rows) {
    const t = byHost.get(row.host);
    assert.ok(t, `no tenant for ${row.host}`);
    assert.equal(t.name, row.name);
    assert.equal(t.shortname, row.shortname);
    assert.equal(t.deletion_protection, true);
    assert.equal(t.enabled, row.enabled === '1');
    const db = t.database as Record<string, unknown>;
    assert.equal(db.name, expectedDatabase(row));
    assert.equal(db.user, row.vdblogin || expectedDatabase(row), `user of ${row.shortname}`);
    assert.equal(db.server, 'default');
    // Defaults merge under the row's own config_ columns.
    assert.deepEqual(t.config, row.theme ? { lang: 'en', theme: row.theme } : { lang: 'en' });
    assert.equal(t.dataroot, undefined, 'dataroot is left to the provider (VMOODLE_DATAROOT_BASE/<shortname>)');
    assert.equal(t.template, moodleFixturePath());
  }
  // Provider settings come from the environment at apply time: nothing secret in the JSON.
  assert.deepEqual(synth.provider?.vmoodle, [{}]);
  assert.doesNotMatch(synthText, /mysql:\/\//);
  assert.deepEqual(synth.terraform?.required_providers?.vmoodle, { source: 'vmoodle/vmoodle', version: '~> 0.1' });
  const outputs = synth.output?.wwwroots?.value as Record<string, string>;
  assert.equal(Object.keys(outputs).length, 30);
});

test('synth output: three subnetworks whose members reference their tenants, and a plugin policy over all 30', () => {
  const rows = exampleRows();
  const tenantResources = synth.resource?.vmoodle_tenant ?? {};
  const shortnameOf = (expr: unknown): string => {
    const name = referencedName(expr, 'vmoodle_tenant', 'id');
    assert.ok(name && tenantResources[name], `${String(expr)} is not a reference to a vmoodle_tenant id`);
    return tenantResources[name].shortname as string;
  };
  const subnetworks = Object.values(synth.resource?.vmoodle_mnet_subnetwork ?? {});
  assert.deepEqual(subnetworks.map((s) => s.name).sort(), ['east', 'north', 'south']);
  for (const s of subnetworks) {
    const members = (s.members as unknown[]).map(shortnameOf);
    const expected = rows.filter((r) => r.mnet === s.name).map((r) => r.shortname).sort();
    assert.equal(expected.length, 10);
    assert.deepEqual(members, expected, `members of ${String(s.name)}, sorted by shortname`);
    assert.equal(s.key_lifetime_days, s.name === 'east' ? 56 : undefined);
  }
  const everyone = rows.map((r) => r.shortname).sort();
  const states = Object.values(synth.resource?.vmoodle_plugin_state ?? {});
  assert.deepEqual(states.map((s) => `${String(s.plugin)}=${String(s.enabled)}`).sort(), ['block_html=true', 'mod_bigbluebuttonbn=false', 'mod_workshop=false']);
  for (const s of states) assert.deepEqual((s.tenants as unknown[]).map(shortnameOf).sort(), everyone);
  const configs = Object.values(synth.resource?.vmoodle_config ?? {});
  assert.equal(configs.length, 1);
  assert.deepEqual(configs[0]!.settings, { forcelogin: '1' });
  assert.deepEqual((configs[0]!.tenants as unknown[]).map(shortnameOf).sort(), everyone);
});

test('terraform validate accepts the synth output', async () => {
  const ws = createWorkspace({});
  ws.write({ 'cdk.tf.json': synthText });
  await ws.ok(['init', '-input=false', '-no-color', '-backend=false']);
  const r = await ws.ok(['validate', '-json', '-no-color']);
  const result = JSON.parse(r.stdout) as { valid: boolean; error_count: number; diagnostics: unknown[] };
  assert.equal(result.valid, true, r.stdout);
  assert.equal(result.error_count, 0, r.stdout);
});

test('a malformed nodelist fails synth with errors naming line and column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmoodle-nodelist-'));
  const csv = join(dir, 'broken.csv');
  writeFileSync(
    csv,
    [
      '# two good rows, then one problem per line',
      'vhostname;name;shortname;vdbname;mnet;enabled',
      'https://one.example.org;One;one;;north;1',
      'https://two.example.org;Two;two;;north;1',
      'https://three.example.org;Three;th ree;;north;1',
      'https://four.example.org:8443;Four;four;;north;1',
      'https://five.example.org;Five;five;Five-DB;north;1',
      'https://six.example.org;Six;six;;north;maybe',
      'https://seven.example.org;Seven;seven;;north',
      '',
    ].join('\n'),
  );
  const s = await synthCopy({ ...EXAMPLE_ENV, CONSTELLATION_NODELIST: csv });
  assert.notEqual(s.result.code, 0, describeRun('synth', s.result));
  const err = s.result.stderr;
  assert.match(err, /5 problems in the tenant spec/);
  assert.match(err, /broken\.csv line 5, column 3 \(shortname\): "th ree" is not valid: letters, digits/);
  assert.match(err, /broken\.csv line 6, column 1 \(vhostname\): "https:\/\/four\.example\.org:8443" has a port/);
  assert.match(err, /broken\.csv line 7, column 4 \(vdbname\): "Five-DB" is not valid: a lower-case letter/);
  assert.match(err, /broken\.csv line 8, column 6 \(enabled\): "maybe" must be 1 or 0/);
  assert.match(err, /broken\.csv line 9, column 6 \(enabled\): too few fields: 5, but the header \(line 2\) has 6/);
  assert.doesNotMatch(err, /line [34],/, 'good rows are not reported');
});

test('the example deploys 30 tenants with the real terraform against a private MariaDB, and the next plan is empty', { timeout: 240_000 }, async (t) => {
  let fleet: Fleet | undefined;
  t.after(async () => {
    await fleet?.stop();
  });
  // MariaDB puts the temporary tables of information_schema queries (template loading runs them)
  // in $TMPDIR. On a shared machine something removed top-level /tmp/#sql-* files mid-query; a
  // private folder, read once at server start, keeps this test independent of /tmp's neighbours.
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'vmoodle-cdktf-mariadb-tmp-'));
  try {
    fleet = await startFleet();
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  const dir = copyExample();
  // The workspace env carries the CLI config pointing at the provider mirror and the VMOODLE_* settings.
  const env = { ...EXAMPLE_ENV, ...fleet.ws.env };
  const deploy = await run('npm', ['run', 'deploy', '--silent'], { cwd: dir, env, timeoutMs: 200_000 });
  assert.equal(deploy.code, 0, describeRun('npm run deploy', deploy));
  // 30 tenants, 3 subnetworks, 3 plugin states, 1 config.
  assert.match(deploy.stdout, /Apply complete! Resources: 37 added, 0 changed, 0 destroyed/);

  const rows = exampleRows();
  const registry = await registryRows(fleet.admin);
  assert.equal(registry.length, 30);
  assert.ok(registry.every((r) => r.state === 'active'));
  assert.deepEqual(registry.map((r) => r.host).sort(), rows.map((r) => r.host).sort());
  assert.deepEqual(await databases(fleet.admin), rows.map(expectedDatabase).sort());
  const juniper = registry.find((r) => r.host === 'juniper.east.schools.example.org');
  assert.equal(juniper?.enabled, 0, 'enabled=0 in the nodelist disables the tenant');
  assert.equal(registry.find((r) => r.host === 'abbey.north.schools.example.org')?.dataroot, join(fleet.datarootBase, 'n01-abbey'));

  // The fleet resources really reached the tenants' Moodle tables.
  const [peers] = await fleet.admin.query("SELECT COUNT(*) AS n FROM north_abbey.mdl_mnet_host WHERE deleted = 0 AND wwwroot LIKE 'https://%.north.schools.example.org' AND wwwroot <> 'https://abbey.north.schools.example.org'");
  assert.equal(Number((peers as Array<{ n: number }>)[0]!.n), 9, 'a north school peers with the 9 others');
  const [workshop] = await fleet.admin.query("SELECT visible FROM moodle_s05_elm.mdl_modules WHERE name = 'workshop'");
  assert.equal(Number((workshop as Array<{ visible: number }>)[0]!.visible), 0, 'mod_workshop disabled by the policy');
  const [forcelogin] = await fleet.admin.query("SELECT value FROM moodle_e10_juniper.mdl_config WHERE name = 'forcelogin'");
  assert.equal((forcelogin as Array<{ value: string }>)[0]?.value, '1');

  const plan = await run('npm', ['run', 'plan', '--silent'], { cwd: dir, env, timeoutMs: 120_000 });
  assert.equal(plan.code, 0, describeRun('npm run plan (0 = no changes, 2 = changes)', plan));
  assert.match(plan.stdout, /No changes\./);
});

/** Synthesises `body` (which may use `m`, `stack`, `fs`) in a fresh folder; returns the stack JSON or the error text. */
async function synthProgram(body: string): Promise<{ json?: SynthJson; error?: string; result: RunResult }> {
  const dir = mkdtempSync(join(tmpdir(), 'vmoodle-cdktf-program-'));
  const program = `
const fs = require('node:fs');
const app = new m.App({ outdir: ${JSON.stringify(join(dir, 'out'))} });
const stack = new m.TerraformStack(app, 'test');
new m.VmoodleProvider(stack, 'vmoodle', {});
try {
${body}
} catch (e) {
  if (e instanceof m.SpecError) { process.stderr.write(e.message + '\\n'); process.exit(3); }
  throw e;
}
app.synth();
`;
  const result = await runWithModules(program, { cwd: dir });
  if (result.code === 3) return { error: result.stderr, result };
  assert.equal(result.code, 0, describeRun('program', result));
  return { json: JSON.parse(readFileSync(join(dir, 'out', 'stacks', 'test', 'cdk.tf.json'), 'utf8')) as SynthJson, result };
}

test('Constellation from an array: defaults, derived names, plugin settings grouped into one vmoodle_config per distinct set', async () => {
  const long = 'a-very-long-shortname-for-a-school-that-goes-on-and-on-and-on-and-on-forever';
  const { json } = await synthProgram(`
new m.Constellation(stack, 'fleet', {
  defaults: { datarootBase: '/srv/moodledata/', databaseNamePrefix: 'm_', database: { server: 'eu', prefix: 'mdl_' }, config: { lang: 'fr' } },
  tenants: [
    { host: 'one.example.org', name: 'One', shortname: 'One.School', config: { theme: 'classic' }, pluginSettings: { auth_cas: { hostname: 'cas.example.org' } } },
    { host: 'two.example.org/sub', name: 'Two', shortname: ${JSON.stringify(long)}, pluginSettings: { auth_cas: { hostname: 'cas.example.org' } } },
    { host: 'three.example.org', name: 'Three', shortname: 'three', https: false, deletionProtection: false, dataroot: '/data/three', database: { name: 'legacy_three', user: 'u3', password: 'pw', server: 'us' }, pluginSettings: { auth_cas: { hostname: 'other.example.org' } } },
  ],
});`);
  const tenants = Object.values(json!.resource!.vmoodle_tenant!);
  const by = (host: string) => tenants.find((t) => t.host === host)!;
  const one = by('one.example.org');
  assert.deepEqual(one.database, { name: 'm_one_school', user: 'm_one_school', server: 'eu', prefix: 'mdl_' });
  assert.equal(one.dataroot, '/srv/moodledata/One.School');
  assert.deepEqual(one.config, { lang: 'fr', theme: 'classic' });
  assert.equal(one.deletion_protection, true);
  const two = by('two.example.org/sub');
  const twoDb = two.database as { name: string; user: string };
  assert.ok(twoDb.name.length <= 64 && /^m_a_very_long_shortname.*_[0-9a-f]{8}$/.test(twoDb.name), twoDb.name);
  assert.ok(twoDb.user.length <= 32 && /^m_a_very_long.*_[0-9a-f]{8}$/.test(twoDb.user), twoDb.user);
  const three = by('three.example.org');
  assert.deepEqual(three.database, { name: 'legacy_three', user: 'u3', password: 'pw', server: 'us', prefix: 'mdl_' });
  assert.equal(three.https, false);
  assert.equal(three.deletion_protection, false);
  assert.equal(three.dataroot, '/data/three');

  const nameOf = (t: Record<string, unknown>) => Object.entries(json!.resource!.vmoodle_tenant!).find(([, v]) => v === t)![0];
  const configs = Object.values(json!.resource!.vmoodle_config!);
  assert.equal(configs.length, 2, 'two distinct plugin setting sets');
  const shared = configs.find((c) => JSON.stringify(c.plugin_settings) === JSON.stringify({ auth_cas: { hostname: 'cas.example.org' } }))!;
  assert.deepEqual(new Set(shared.tenants as string[]), new Set([`\${vmoodle_tenant.${nameOf(one)}.id}`, `\${vmoodle_tenant.${nameOf(two)}.id}`]));
  assert.equal(json!.resource!.vmoodle_mnet_subnetwork, undefined, 'no tenant names a subnetwork');
});

test('fleet-wide input errors name both places: array paths, and CSV lines and columns', async () => {
  const arrays = await synthProgram(`
new m.Constellation(stack, 'fleet', {
  subnetworks: { north: {}, unused: {} },
  tenants: [
    { host: 'one.example.org', name: 'One', shortname: 'one', subnetwork: 'north' },
    { host: 'one.example.org', name: 'Dup', shortname: 'dup', subnetwork: 'nort' },
    { host: 'x.example.org', name: 'X', shortname: 'x', database: { name: 'moodle_one' }, colour: 'blue' },
  ],
});`);
  assert.ok(arrays.error, 'synth must fail');
  assert.match(arrays.error, /tenants\[2\]\.colour: is not a known setting; expected one of: host, https, name/);
  const dupOnly = await synthProgram(`
new m.Constellation(stack, 'fleet', {
  subnetworks: { north: {}, unused: {} },
  tenants: [
    { host: 'one.example.org', name: 'One', shortname: 'one', subnetwork: 'north' },
    { host: 'one.example.org', name: 'Dup', shortname: 'dup', subnetwork: 'nort' },
    { host: 'x.example.org', name: 'X', shortname: 'x', database: { name: 'moodle_one' } },
  ],
});`);
  const err = dupOnly.error!;
  assert.match(err, /tenants\[1\]\.host: host "one\.example\.org" is also used by tenants\[0\]\.host/);
  assert.match(err, /tenants\[2\]\.database\.name: database "default\/moodle_one" is also used by tenants\[0\]\.shortname/);
  assert.match(err, /tenants\[1\]\.subnetwork: subnetwork "nort" is not declared; declared: north, unused/);
  assert.match(err, /subnetworks\.unused: no tenant joins this subnetwork/);

  const csv = await synthProgram(`
const nodelist = m.parseNodelist([
  'vhostname;name;shortname;mnet',
  'https://a.example.org;A;a;1',
  '# a comment line still counts in line numbers',
  'https://b.example.org;B;A;2',
].join('\\n'), { source: 'fleet.csv' });
new m.Constellation(stack, 'fleet', { nodelist, subnetworks: { '1': {} } });`);
  assert.match(csv.error!, /fleet\.csv line 4, column 3 \(shortname\): shortname "a" is also used by fleet\.csv line 2, column 3 \(shortname\)/);
  assert.match(csv.error!, /fleet\.csv line 4, column 4 \(mnet\): subnetwork "2" is not declared; declared: 1/);
});

test('PluginPolicy, MnetSubnetwork and MaintenanceWindow on tenants of a constellation', async () => {
  const { json } = await synthProgram(`
const fleet = new m.Constellation(stack, 'fleet', { tenants: [
  { host: 'a.example.org', name: 'A', shortname: 'a' },
  { host: 'b.example.org', name: 'B', shortname: 'b' },
] });
new m.PluginPolicy(stack, 'policy', { tenants: fleet.tenants, plugins: { mod_forum: { enabled: true, settings: { maxbytes: '0' } } }, pluginSettings: { auth_cas: { hostname: 'cas' } } });
new m.MnetSubnetwork(stack, 'pair', { name: 'pair', members: [fleet.tenant('a'), 'default/legacy_site'], services: ['sso_idp'] });
new m.MaintenanceWindow(stack, 'upgrade', { tenants: [fleet.tenant('b')], mode: 'cli', message: 'Back soon' });`);
  const a = Object.entries(json!.resource!.vmoodle_tenant!).find(([, t]) => t.shortname === 'a')![0];
  const b = Object.entries(json!.resource!.vmoodle_tenant!).find(([, t]) => t.shortname === 'b')![0];
  const [state] = Object.values(json!.resource!.vmoodle_plugin_state!);
  assert.deepEqual(state, { ...state, plugin: 'mod_forum', enabled: true, settings: { maxbytes: '0' }, tenants: [`\${vmoodle_tenant.${a}.id}`, `\${vmoodle_tenant.${b}.id}`] });
  const [config] = Object.values(json!.resource!.vmoodle_config!);
  assert.deepEqual(config!.plugin_settings, { auth_cas: { hostname: 'cas' } });
  const [subnet] = Object.values(json!.resource!.vmoodle_mnet_subnetwork!);
  assert.deepEqual(subnet!.members, [`\${vmoodle_tenant.${a}.id}`, 'default/legacy_site']);
  assert.deepEqual(subnet!.services, ['sso_idp']);
  const [maintenance] = Object.values(json!.resource!.vmoodle_maintenance!);
  assert.deepEqual({ tenants: maintenance!.tenants, mode: maintenance!.mode, message: maintenance!.message, enabled: maintenance!.enabled }, { tenants: [`\${vmoodle_tenant.${b}.id}`], mode: 'cli', message: 'Back soon', enabled: true });

  const bad = await synthProgram(`
const fleet = new m.Constellation(stack, 'fleet', { tenants: [{ host: 'a.example.org', name: 'A', shortname: 'a' }] });
new m.PluginPolicy(stack, 'policy', { tenants: [fleet.tenant('a'), fleet.tenant('a')], plugins: { Forum: { enabled: true }, auth_cas: { enabled: true } }, pluginSettings: { auth_cas: { x: '1' } } });`);
  assert.match(bad.error!, /PluginPolicy "test\/policy": tenants\[1\]: tenant a is already listed at tenants\[0\]/);
  assert.match(bad.error!, /plugins\.Forum: "Forum" is not a frankenstyle plugin name/);
  assert.match(bad.error!, /pluginSettings\.auth_cas: auth_cas has its state declared in plugins/);
});
