// Fleet administration through the real terraform CLI against tenants loaded from the Moodle
// fixture: every plugin type's switch lands where Moodle reads it, lists keep their order,
// switching back (or destroying) returns each tenant to exactly its starting rows, drift and
// partial failures show in the next plan, maintenance files and cache purges happen on disk,
// and 50 tenants x 5 resources apply in one run with an empty plan after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK } from '../helpers/terraform';
import { moodleFixturePath } from '../helpers/mariadb';

let fleet: Fleet;
const FIXTURE_TIME = 1767225600;

const A = 'default/moodle_fa_a';
const B = 'default/moodle_fa_b';
const C = 'default/moodle_fa_c';
const dbOf = (id: string): string => id.split('/')[1]!;
const ref = (id: string): string => `vmoodle_tenant.${dbOf(id).replace('moodle_', '')}.id`;
const hcl = (ids: readonly string[]): string => `[${ids.map(ref).join(', ')}]`;
const datarootOf = (id: string): string => join(fleet.datarootBase, dbOf(id).replace('moodle_', '').replace('_', '-'));

function tenantBlock(name: string): string {
  return `
resource "vmoodle_tenant" "${name}" {
  host                = "${name.replace('_', '-')}.example.edu"
  name                = "${name}"
  shortname           = "${name.replace('_', '-')}"
  database            = { name = "moodle_${name}" }
  template            = "${moodleFixturePath()}"
  deletion_protection = false
}
`;
}

const BASE = PROVIDER_BLOCK + ['fa_a', 'fa_b', 'fa_c'].map(tenantBlock).join('');

async function tf(args: string[]): Promise<{ code: number | null; out: string }> {
  const r = await fleet.ws.tf([...args, '-no-color']);
  return { code: r.code, out: r.stdout + r.stderr };
}

async function apply(extra: string): Promise<{ code: number | null; out: string }> {
  fleet.ws.write({ 'main.tf': BASE + extra });
  return tf(['apply', '-auto-approve', '-input=false']);
}

async function applyOk(extra: string): Promise<string> {
  const r = await apply(extra);
  assert.equal(r.code, 0, r.out);
  return r.out;
}

/** terraform plan -detailed-exitcode: 0 = no changes, 2 = changes. */
async function plan(): Promise<{ code: number | null; out: string }> {
  return tf(['plan', '-detailed-exitcode', '-input=false']);
}

async function assertNoChanges(): Promise<void> {
  const p = await plan();
  assert.equal(p.code, 0, `expected an empty plan:\n${p.out}`);
}

type Row = Record<string, unknown>;

async function q(id: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const [rows] = await fleet.admin.query(sql.replace(/\{(\w+)\}/g, (_, t: string) => `\`${dbOf(id)}\`.\`mdl_${t}\``), params);
  return rows as Row[];
}

async function cfg(id: string, name: string): Promise<string | null> {
  const rows = await q(id, 'SELECT value FROM {config} WHERE name = ?', [name]);
  return rows[0] ? String(rows[0].value) : null;
}

async function pcfg(id: string, plugin: string, name: string): Promise<string | null> {
  const rows = await q(id, 'SELECT value FROM {config_plugins} WHERE plugin = ? AND name = ?', [plugin, name]);
  return rows[0] ? String(rows[0].value) : null;
}

/**
 * Every row a plugin switch can touch, without auto-increment ids (a re-created row gets a new id
 * but is the same state). Two pairs read identically in Moodle and Moodle's own code turns one into
 * the other, so each pair counts as one state: a setting '' and no setting (enable_plugin() writes
 * '' where the install left no row), a `disabled`/`enabled` flag at '0' and no flag (assign
 * subplugins write disabled = 0 on enable, AI placements enabled = 0 on disable), and a system
 * filter row at -9999 and no row (a disabled filter keeps its row; the first test checks those
 * rows exactly).
 */
async function snapshot(id: string): Promise<Record<string, string[]>> {
  const lines = async (sql: string): Promise<string[]> => (await q(id, sql)).map((r) => JSON.stringify(r)).sort();
  return {
    config: await lines("SELECT name, value FROM {config} WHERE value <> ''"),
    config_plugins: await lines("SELECT plugin, name, value FROM {config_plugins} WHERE value <> '' AND NOT (name IN ('disabled', 'enabled') AND value = '0')"),
    filter_active: await lines('SELECT filter, contextid, active, sortorder FROM {filter_active} WHERE active <> -9999'),
    modules: await lines('SELECT name, visible FROM {modules}'),
    block: await lines('SELECT name, visible FROM {block}'),
    message_processors: await lines('SELECT name, enabled FROM {message_processors}'),
    repository: await lines('SELECT type, visible, sortorder FROM {repository}'),
    course_modules: await lines('SELECT course, module, instance, visible, visibleold FROM {course_modules}'),
  };
}

const initial = new Map<string, Record<string, string[]>>();
const EXTRA_INSTALLED = ['contenttype_h5p', 'assignsubmission_file', 'aiplacement_editor', 'webservice_rest', 'qbank_tagquestion', 'gradepenalty_duedate', 'communication_matrix'];

before(async () => {
  fleet = await startFleet();
  fleet.ws.write({ 'main.tf': BASE });
  const init = await tf(['init', '-input=false']);
  assert.equal(init.code, 0, init.out);
  await applyOk('');
  // Activities in a course on tenant A, so hiding a module has course modules to hide.
  await q(A, "INSERT INTO {course} (id, category, sortorder, fullname, shortname, cacherev) VALUES (2, 1, 2, 'Physics 101', 'phys101', 5)");
  await q(A, 'INSERT INTO {course_modules} (course, module, instance, visible, visibleold) VALUES (2, 5, 1, 1, 1), (2, 5, 2, 0, 0), (2, 1, 1, 1, 1)');
  // Plugins of the types the fixture installs none of, as their installation would record them.
  for (const id of [A, B, C]) {
    for (const plugin of EXTRA_INSTALLED) await q(id, "INSERT INTO {config_plugins} (plugin, name, value) VALUES (?, 'version', '2025100600')", [plugin]);
  }
  for (const id of [A, B, C]) initial.set(id, await snapshot(id));
});

after(async () => {
  await fleet?.stop();
});

// --- vmoodle_plugin_state -----------------------------------------------------------------------

/** [resource name, plugin, enabled in the fixture]: at least one plugin of every type with a switch. */
const PLUGINS: ReadonlyArray<[string, string, boolean]> = [
  ['forum', 'mod_forum', true],
  ['html', 'block_html', true],
  ['email_out', 'message_email', true],
  ['ldap', 'auth_ldap', false],
  ['mnet_auth', 'auth_mnet', false],
  ['guest', 'enrol_guest', true],
  ['mathjax', 'filter_mathjaxloader', true],
  ['multilang', 'filter_multilang', false],
  ['tiny', 'editor_tiny', true],
  ['noautolink', 'tiny_noautolink', false],
  ['equation', 'tiny_equation', true],
  ['social', 'format_social', true],
  ['essay', 'qtype_essay', true],
  ['interactive', 'qbehaviour_interactive', true],
  ['upload', 'repository_upload', true],
  ['youtube', 'media_youtube', true],
  ['clamav', 'antivirus_clamav', false],
  ['grade', 'availability_grade', true],
  ['csv', 'dataformat_csv', true],
  ['text', 'customfield_text', true],
  ['googledrive', 'fileconverter_googledrive', false],
  ['paypal', 'paygw_paypal', true],
  ['dblog', 'logstore_database', false],
  ['mahara', 'portfolio_mahara', false],
  ['h5p', 'contenttype_h5p', true],
  ['file_sub', 'assignsubmission_file', true],
  ['ai_editor', 'aiplacement_editor', false],
  ['rest', 'webservice_rest', false],
  ['tagquestion', 'qbank_tagquestion', true],
  ['duedate', 'gradepenalty_duedate', false],
  ['matrix', 'communication_matrix', true],
];

function pluginStates(flip: (fixtureEnabled: boolean) => boolean, opts: { ldapSettings?: boolean } = {}): string {
  return PLUGINS.map(
    ([name, plugin, on]) => `
resource "vmoodle_plugin_state" "${name}" {
  plugin  = "${plugin}"
  enabled = ${flip(on)}
  tenants = ${hcl([A, B])}
  ${name === 'ldap' && opts.ldapSettings ? 'settings = { host_url = "ldap://ldap.example.edu", contexts = "ou=people" }' : ''}
}
`,
  ).join('');
}

function cacheFile(id: string, definition: string): string {
  const dir = join(datarootOf(id), 'cache', 'cachestore_file', 'default_application', definition, 'abc-cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'abc.cache');
  writeFileSync(file, 'cached');
  return file;
}

test('every plugin type is switched where Moodle reads it, on the listed tenants only', { timeout: 180_000 }, async () => {
  const stale = [cacheFile(A, 'core_plugin_manager'), cacheFile(A, 'core_config'), cacheFile(B, 'core_repositories')];
  const started = Math.floor(Date.now() / 1000);
  await applyOk(pluginStates((on) => !on, { ldapSettings: true }));

  for (const id of [A, B]) {
    const rows = async (sql: string): Promise<Row[]> => q(id, sql);
    assert.deepEqual(await rows("SELECT visible FROM {modules} WHERE name = 'forum'"), [{ visible: 0 }], 'modules.visible');
    assert.deepEqual(await rows("SELECT visible FROM {block} WHERE name = 'html'"), [{ visible: 0 }], 'block.visible');
    assert.deepEqual(await rows("SELECT enabled FROM {message_processors} WHERE name = 'email'"), [{ enabled: 0 }]);
    const auth = (await cfg(id, 'auth'))!.split(',');
    assert.equal(auth[0], 'email', 'existing entries keep their place');
    assert.deepEqual([...auth].sort(), ['email', 'ldap', 'mnet']);
    assert.equal(await pcfg(id, 'auth_ldap', 'host_url'), 'ldap://ldap.example.edu');
    assert.equal(await pcfg(id, 'auth_ldap', 'contexts'), 'ou=people');
    assert.equal(await cfg(id, 'enrol_plugins_enabled'), 'manual,self,cohort', 'guest removed, order of the rest kept');
    assert.equal((await rows("SELECT value FROM {cache_flags} WHERE flagtype = 'accesslib/dirtycontexts' AND name = '/1'")).length, 1, 'system context marked dirty');
    assert.deepEqual(
      await rows('SELECT filter, active, sortorder FROM {filter_active} WHERE contextid = 1 ORDER BY sortorder'),
      [
        { filter: 'displayh5p', active: 1, sortorder: 1 },
        { filter: 'activitynames', active: 1, sortorder: 2 },
        { filter: 'emoticon', active: 1, sortorder: 3 },
        { filter: 'urltolink', active: 1, sortorder: 4 },
        { filter: 'mediaplugin', active: 1, sortorder: 5 },
        { filter: 'multilang', active: 1, sortorder: 6 },
        { filter: 'mathjaxloader', active: -9999, sortorder: 7 },
      ],
      'filters renumbered as filter_set_global_state() does',
    );
    assert.equal(await cfg(id, 'texteditors'), 'textarea');
    assert.equal(await pcfg(id, 'tiny_noautolink', 'disabled'), null, 'enabling deletes the disabled flag');
    assert.equal(await pcfg(id, 'tiny_equation', 'disabled'), '1');
    assert.equal(await pcfg(id, 'format_social', 'disabled'), '1');
    assert.equal(await cfg(id, 'format_plugins_sortorder'), 'topics,weeks,singleactivity,social', 'order-only list untouched');
    assert.equal(await pcfg(id, 'question', 'essay_disabled'), '1');
    assert.equal(await pcfg(id, 'question', 'disabledbehaviours'), 'interactive');
    assert.deepEqual(
      (await rows('SELECT type, sortorder FROM {repository} ORDER BY sortorder')).map((r) => `${String(r.type)}:${String(r.sortorder)}`),
      ['areafiles:1', 'contentbank:2', 'local:3', 'recent:4', 'url:6', 'user:7', 'wikimedia:8'],
    );
    assert.equal(await cfg(id, 'media_plugins_sortorder'), 'videojs');
    assert.equal(await cfg(id, 'antiviruses'), 'clamav');
    assert.equal(await pcfg(id, 'availability_grade', 'disabled'), '1');
    assert.equal(await pcfg(id, 'dataformat_csv', 'disabled'), '1');
    assert.equal(await pcfg(id, 'customfield_text', 'disabled'), '1');
    assert.equal(await cfg(id, 'converter_plugins_sortorder'), 'googledrive');
    assert.equal(await cfg(id, 'paygw_plugins_sortorder'), '');
    assert.equal(await pcfg(id, 'tool_log', 'enabled_stores'), 'logstore_standard,logstore_database');
    assert.deepEqual(await rows("SELECT name, visible FROM {portfolio_instance} WHERE plugin = 'mahara'"), [{ name: 'mahara', visible: 1 }]);
    assert.equal(await pcfg(id, 'contentbank_h5p', 'disabled'), '1', 'content types: contentbank_ prefix');
    assert.equal(await pcfg(id, 'contenttype_h5p', 'disabled'), null);
    assert.equal(await pcfg(id, 'assignsubmission_file', 'disabled'), '1');
    assert.equal(await pcfg(id, 'aiplacement_editor', 'enabled'), '1', 'AI placements: enabled flag');
    assert.equal(await cfg(id, 'webserviceprotocols'), 'rest');
    assert.equal(await pcfg(id, 'qbank_tagquestion', 'disabled'), '1');
    assert.equal(await pcfg(id, 'core_grades', 'gradepenalty_enabled_plugins'), 'duedate');
    assert.equal(await pcfg(id, 'communication_matrix', 'disabled'), '1');
  }
  // Module side effects (mod/plugininfo enable_plugin): activities hidden, their visibility kept.
  assert.deepEqual(await q(A, 'SELECT instance, visible, visibleold FROM {course_modules} WHERE module = 5 ORDER BY instance'), [
    { instance: 1, visible: 0, visibleold: 1 },
    { instance: 2, visible: 0, visibleold: 0 },
  ]);
  assert.deepEqual(await q(A, 'SELECT visible FROM {course_modules} WHERE module = 1'), [{ visible: 1 }], 'other modules untouched');
  assert.ok(Number((await q(A, 'SELECT cacherev FROM {course} WHERE id = 2'))[0]!.cacherev) >= started, 'course cache revision bumped');
  // Caches Moodle keeps in front of these rows are gone.
  for (const file of stale) assert.equal(existsSync(file), false, file);
  assert.deepEqual(await snapshot(C), initial.get(C), 'a tenant not listed is untouched');
  await assertNoChanges();
});

test('a value changed by hand shows in the plan, naming the tenant, and apply puts it back', { timeout: 60_000 }, async () => {
  await q(B, "UPDATE {block} SET visible = 1 WHERE name = 'html'");
  await q(B, "UPDATE {config} SET value = 'manual,guest,self,cohort' WHERE name = 'enrol_plugins_enabled'");
  const p = await plan();
  assert.equal(p.code, 2, p.out);
  assert.match(p.out, /vmoodle_plugin_state\.html will be updated in-place[\s\S]*"default\/moodle_fa_b" = \{\s*~ enabled\s+= true -> false/);
  assert.match(p.out, /vmoodle_plugin_state\.guest will be updated in-place/);
  assert.doesNotMatch(p.out, /"default\/moodle_fa_a" = \{\s*~ enabled/, 'tenant A did not drift');
  await applyOk(pluginStates((on) => !on, { ldapSettings: true }));
  assert.deepEqual(await q(B, "SELECT visible FROM {block} WHERE name = 'html'"), [{ visible: 0 }]);
  assert.equal(await cfg(B, 'enrol_plugins_enabled'), 'manual,self,cohort');
  await assertNoChanges();
});

test('switching every plugin back returns each tenant to exactly its starting rows', { timeout: 120_000 }, async () => {
  // A user of the ldap plugin with a live session, and ldap as the self-registration plugin.
  await q(A, "INSERT INTO {user} (id, auth, confirmed, mnethostid, username, password) VALUES (3, 'ldap', 1, 1, 'ada', 'x')");
  await q(A, "INSERT INTO {sessions} (state, sid, userid, timecreated, timemodified) VALUES (0, 'sidofada123', 3, 1, 1)");
  await q(A, "UPDATE {config} SET value = 'ldap' WHERE name = 'registerauth'");
  mkdirSync(join(datarootOf(A), 'sessions'), { recursive: true });
  writeFileSync(join(datarootOf(A), 'sessions', 'sess_sidofada123'), 'x');

  await applyOk(pluginStates((on) => on));
  for (const id of [A, B]) assert.deepEqual(await snapshot(id), initial.get(id), `tenant ${id}`);
  assert.deepEqual(await q(A, "SELECT visible FROM {portfolio_instance} WHERE plugin = 'mahara'"), [{ visible: 0 }]);
  // auth/plugininfo disable: sessions of the plugin's users end, registerauth is cleared.
  assert.deepEqual(await q(A, 'SELECT id FROM {sessions} WHERE userid = 3'), []);
  assert.equal(existsSync(join(datarootOf(A), 'sessions', 'sess_sidofada123')), false);
  await assertNoChanges();
});

test('destroying plugin states puts back what each tenant had, settings included', { timeout: 120_000 }, async () => {
  await applyOk(pluginStates((on) => !on, { ldapSettings: true }));
  assert.equal(await cfg(A, 'texteditors'), 'textarea');
  await applyOk('');
  for (const id of [A, B]) assert.deepEqual(await snapshot(id), initial.get(id), `tenant ${id}`);
  assert.equal(await pcfg(A, 'auth_ldap', 'host_url'), null);
});

test('refuses types without an enable switch and plugins Moodle always enables, before any change', async () => {
  fleet.ws.write({
    'main.tf': BASE,
    'bad.tf': `
resource "vmoodle_plugin_state" "local" {
  plugin  = "local_staticpage"
  enabled = false
  tenants = []
}
resource "vmoodle_plugin_state" "theme" {
  plugin  = "theme_classic"
  enabled = false
  tenants = []
}
resource "vmoodle_plugin_state" "manual" {
  plugin  = "auth_manual"
  enabled = false
  tenants = []
}
resource "vmoodle_plugin_state" "flag" {
  plugin   = "format_social"
  enabled  = true
  tenants  = []
  settings = { disabled = "0" }
}
`,
  });
  const r = await tf(['validate']);
  fleet.ws.write({ 'bad.tf': '' });
  assert.equal(r.code, 1, r.out);
  // Terraform wraps diagnostic text at 78 columns.
  r.out = r.out.replace(/\s+/g, ' ');
  assert.match(r.out, /local_staticpage cannot be enabled or disabled: Moodle has no enable\/disable switch/);
  assert.match(r.out, /theme_classic cannot be enabled or disabled: themes have no enable flag/);
  assert.match(r.out, /auth_manual is always enabled/);
  assert.match(r.out, /"disabled" is how Moodle records format_social's enabled state/);

  // A mistyped tenant id fails the plan, pointing at its element; nothing is applied.
  fleet.ws.write({
    'main.tf':
      BASE +
      `
resource "vmoodle_plugin_state" "typo" {
  plugin  = "block_html"
  enabled = false
  tenants = [vmoodle_tenant.fa_a.id, "default/moodle_fa_x"]
}
`,
  });
  const p = await tf(['plan', '-input=false']);
  assert.equal(p.code, 1, p.out);
  assert.match(p.out, /Error: Unknown tenant[\s\S]*tenants = \[vmoodle_tenant\.fa_a\.id, "default\/moodle_fa_x"\][\s\S]*No active tenant has id "default\/moodle_fa_x"/);
  assert.doesNotMatch(p.out, /moodle_fa_a"\. Use/, 'the known tenant is fine');
  fleet.ws.write({ 'main.tf': BASE });
});

test('plugin states, settings and maintenance can be imported; the plan after matches', { timeout: 60_000 }, async () => {
  fleet.ws.write({
    'main.tf':
      BASE +
      `
resource "vmoodle_plugin_state" "imp" {
  plugin  = "enrol_guest"
  enabled = true
  tenants = ${hcl([A, B])}
}
resource "vmoodle_config" "imp" {
  tenants         = ${hcl([A, B])}
  settings        = { theme = "boost" }
  plugin_settings = { auth_mnet = { rpc_negotiation_timeout = "30" } }
}
resource "vmoodle_maintenance" "imp" {
  tenants = ${hcl([A])}
  enabled = false
}
`,
  });
  for (const [address, id] of [
    ['vmoodle_plugin_state.imp', `enrol_guest:${A},${B}`],
    ['vmoodle_config.imp', `${A},${B}:theme,auth_mnet/rpc_negotiation_timeout`],
    ['vmoodle_maintenance.imp', A],
  ] as const) {
    const r = await tf(['import', '-input=false', address, id]);
    assert.equal(r.code, 0, r.out);
  }
  await assertNoChanges();
  // Destroying imported resources puts back what was there at import: nothing changes.
  const before = await snapshot(A);
  await applyOk('');
  assert.deepEqual(await snapshot(A), before);
});

test('a plugin not installed on a tenant is an error naming it; the others are applied and the plan shows only what is left', { timeout: 180_000 }, async () => {
  // Not installed anywhere: both tenants named.
  let r = await apply(`
resource "vmoodle_plugin_state" "chat" {
  plugin  = "mod_chat"
  enabled = false
  tenants = ${hcl([A, B])}
}
resource "vmoodle_plugin_state" "topics" {
  plugin  = "format_topics"
  enabled = false
  tenants = ${hcl([A])}
}
`);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /Disabling mod_chat failed on tenant fa-a\.example\.edu \(default\/moodle_fa_a\)[\s\S]*mod_chat is not installed/);
  assert.match(r.out, /Disabling mod_chat failed on tenant fa-b\.example\.edu \(default\/moodle_fa_b\)/);
  assert.match(r.out, /format_topics is the default course format/);
  await applyOk('');

  const cal = (ids: string[]): string => `
resource "vmoodle_plugin_state" "cal" {
  plugin  = "block_calendar_month"
  enabled = false
  tenants = ${hcl(ids)}
}
`;
  const visible = async (id: string): Promise<unknown> => (await q(id, "SELECT visible FROM {block} WHERE name = 'calendar_month'"))[0]!.visible;
  const uninstall = (id: string): Promise<Row[]> => q(id, "DELETE FROM {config_plugins} WHERE plugin = 'block_calendar_month' AND name = 'version'");
  const reinstall = (id: string): Promise<Row[]> => q(id, "INSERT INTO {config_plugins} (plugin, name, value) VALUES ('block_calendar_month', 'version', '2025100600')");

  // On create: A is done, B is reported. Terraform taints a create that returned errors, so the
  // next apply replaces it (A restored, then both applied) and converges.
  await uninstall(B);
  r = await apply(cal([A, B]));
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /Disabling block_calendar_month failed on tenant fa-b\.example\.edu \(default\/moodle_fa_b\)[\s\S]*block_calendar_month is not installed/);
  assert.doesNotMatch(r.out, /failed on tenant fa-a/);
  assert.equal(await visible(A), 0);
  assert.equal(await visible(B), 1);
  let p = await plan();
  assert.equal(p.code, 2, p.out);
  assert.match(p.out, /vmoodle_plugin_state\.cal is tainted, so must be replaced/);
  await reinstall(B);
  await applyOk(cal([A, B]));
  assert.equal(await visible(A), 0);
  assert.equal(await visible(B), 0);
  await assertNoChanges();

  // On update: A and B stay done, C (not installed) is reported, and the plan shows only C.
  await uninstall(C);
  r = await apply(cal([A, B, C]));
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /failed on tenant fa-c\.example\.edu \(default\/moodle_fa_c\)[\s\S]*block_calendar_month is not installed/);
  assert.doesNotMatch(r.out, /failed on tenant fa-(a|b)/);
  assert.match(r.out, /2 of 3 tenants done/);
  p = await plan();
  assert.equal(p.code, 2, p.out);
  assert.match(p.out, /applied\s+= \{\s*\+ "default\/moodle_fa_c" = \{/, 'C is still to do');
  assert.doesNotMatch(p.out, /[+~-] "default\/moodle_fa_(a|b)"/, 'A and B are recorded as done');
  assert.doesNotMatch(p.out, /must be replaced/);

  await reinstall(C);
  await applyOk(cal([A, B, C]));
  assert.equal(await visible(C), 0);
  await assertNoChanges();
  await applyOk('');
  for (const id of [A, B, C]) assert.equal(await visible(id), 1, 'destroy restored it');
});

// --- vmoodle_config, vmoodle_maintenance, vmoodle_cache_purge, vmoodle_plugin_comparison -----------

function admin(stage: { config?: string; maintenance?: string; purge?: string; compare?: boolean }): string {
  let out = '';
  if (stage.config) out += `resource "vmoodle_config" "site" {\n${stage.config}\n}\n`;
  if (stage.maintenance) out += `resource "vmoodle_maintenance" "m" {\n${stage.maintenance}\n}\n`;
  if (stage.purge) out += `resource "vmoodle_cache_purge" "p" {\n${stage.purge}\n}\n`;
  if (stage.compare) {
    out += `
data "vmoodle_plugin_comparison" "html" {
  tenants = ${hcl([A, B, C])}
  plugin  = "block_html"
}
data "vmoodle_plugin_comparison" "auth" {
  tenants     = ${hcl([A, B, C])}
  plugin_type = "auth"
}
output "html" { value = data.vmoodle_plugin_comparison.html }
output "auth" { value = data.vmoodle_plugin_comparison.auth }
`;
  }
  return out;
}

const FULL_CONFIG = `
  tenants         = ${'${TENANTS}'}
  settings        = { forcelogin = "1", theme = "classic" }
  plugin_settings = { auth_mnet = { rpc_negotiation_timeout = "60" }, mod_forum = { maxbytes = "1024" } }
`;

test('config, maintenance and cache purge land on each tenant, show drift, and undo on removal', { timeout: 240_000 }, async () => {
  const tenants = (ids: string[]): string => FULL_CONFIG.replace('${TENANTS}', hcl(ids));
  const stale = [cacheFile(A, 'core_config'), cacheFile(B, 'core_config')];
  const local = join(datarootOf(A), 'localcache', 'theme', '1767225600', 'css');
  mkdirSync(local, { recursive: true });
  writeFileSync(join(local, 'all.css'), 'x');

  // 1. Everything on A and B: site maintenance, settings, a purge.
  await applyOk(
    admin({
      config: tenants([A, B]),
      maintenance: `  tenants = ${hcl([A, B])}\n  mode = "site"\n  message = "<p>Upgrade in progress</p>"`,
      purge: `  tenants = ${hcl([A, B])}\n  triggers = { release = "1" }`,
    }),
  );
  for (const id of [A, B]) {
    assert.equal(await cfg(id, 'forcelogin'), '1');
    assert.equal(await cfg(id, 'theme'), 'classic');
    assert.equal(await pcfg(id, 'auth_mnet', 'rpc_negotiation_timeout'), '60');
    assert.equal(await pcfg(id, 'mod_forum', 'maxbytes'), '1024');
    assert.equal(await cfg(id, 'maintenance_enabled'), '1');
    assert.equal(await cfg(id, 'maintenance_message'), '<p>Upgrade in progress</p>');
    assert.equal(existsSync(join(datarootOf(id), 'climaintenance.html')), false);
    for (const rev of ['themerev', 'jsrev', 'templaterev', 'langrev', 'localcachedirpurged']) assert.ok(Number(await cfg(id, rev)) > FIXTURE_TIME, `${rev} bumped`);
    assert.ok(Number((await q(id, 'SELECT cacherev FROM {course} WHERE id = 1'))[0]!.cacherev) > FIXTURE_TIME, 'course cacherev bumped');
    assert.deepEqual(readdirSync(join(datarootOf(id), 'cache')), [], 'cache folder emptied');
  }
  for (const file of stale) assert.equal(existsSync(file), false);
  assert.deepEqual(readdirSync(join(datarootOf(A), 'localcache')), [], 'localcache emptied');
  assert.equal(await cfg(C, 'theme'), 'boost', 'C untouched');
  assert.equal(await cfg(C, 'themerev'), String(FIXTURE_TIME));
  await assertNoChanges();
  const themerev = Number(await cfg(A, 'themerev'));

  // 2. Drift: values changed by hand on B.
  await q(B, "UPDATE {config} SET value = 'boost' WHERE name = 'theme'");
  await q(B, "UPDATE {config} SET value = '0' WHERE name = 'maintenance_enabled'");
  let p = await plan();
  assert.equal(p.code, 2, p.out);
  assert.match(p.out, /"default\/moodle_fa_b" = \{\s*~ "theme"\s+= "boost" -> "classic"/);
  assert.match(p.out, /"default\/moodle_fa_b" = \{\s*~ site\s+= false -> true/);

  // 3. Keys leave the resource; maintenance moves to CLI mode; triggers change.
  await applyOk(
    admin({
      config: `  tenants = ${hcl([A, B])}\n  plugin_settings = { mod_forum = { maxbytes = "1024" } }`,
      maintenance: `  tenants = ${hcl([A, B])}\n  mode = "cli"\n  message = "<p>Back at 10:00</p>"`,
      purge: `  tenants = ${hcl([A, B])}\n  triggers = { release = "2" }`,
    }),
  );
  for (const id of [A, B]) {
    assert.equal(await cfg(id, 'theme'), 'boost', 'original value back');
    assert.equal(await cfg(id, 'forcelogin'), null, 'row removed: it had none');
    assert.equal(await pcfg(id, 'auth_mnet', 'rpc_negotiation_timeout'), '30');
    assert.equal(await pcfg(id, 'mod_forum', 'maxbytes'), '1024');
    const page = readFileSync(join(datarootOf(id), 'climaintenance.html'), 'utf8');
    assert.match(page, /^<!DOCTYPE html>[\s\S]*<div class='alert-danger'><p>Back at 10:00<\/p><\/div>/);
    assert.equal(await cfg(id, 'maintenance_enabled'), '0', 'CLI mode, as admin/cli/maintenance.php --enable');
  }
  assert.ok(Number(await cfg(A, 'themerev')) > themerev, 'changed triggers purge again');
  await assertNoChanges();

  // 4. The maintenance page removed by hand is drift; B leaves the config resource.
  const fileB = join(datarootOf(B), 'climaintenance.html');
  rmSync(fileB);
  p = await plan();
  assert.equal(p.code, 2, p.out);
  assert.match(p.out, /"default\/moodle_fa_b" = \{\s*~ cli\s+= false -> true/);
  await applyOk(
    admin({
      config: `  tenants = ${hcl([A])}\n  plugin_settings = { mod_forum = { maxbytes = "1024" } }`,
      maintenance: `  tenants = ${hcl([A, B])}\n  mode = "cli"\n  message = "<p>Back at 10:00</p>"`,
      purge: `  tenants = ${hcl([A, B])}\n  triggers = { release = "2" }`,
    }),
  );
  assert.equal(existsSync(fileB), true, 'page written again');
  assert.equal(await pcfg(B, 'mod_forum', 'maxbytes'), null, 'B left: its original (none) is back');
  assert.equal(await pcfg(A, 'mod_forum', 'maxbytes'), '1024');

  // 5. Destroy: settings restored, maintenance over in both modes.
  await applyOk('');
  assert.equal(await pcfg(A, 'mod_forum', 'maxbytes'), null);
  for (const id of [A, B]) {
    assert.equal(existsSync(join(datarootOf(id), 'climaintenance.html')), false);
    assert.equal(await cfg(id, 'maintenance_enabled'), '0');
  }
});

interface Comparison {
  plugins: Record<string, Record<string, { installed: boolean; version: string | null; enabled: boolean | null; settings: Record<string, string> }>>;
  differing: string[];
  errors: Record<string, string>;
}

test('vmoodle_plugin_comparison shows one plugin or a whole type side by side', { timeout: 60_000 }, async () => {
  await q(C, "UPDATE {block} SET visible = 0 WHERE name = 'html'");
  await q(B, "INSERT INTO {config_plugins} (plugin, name, value) VALUES ('auth_ldap', 'host_url', 'ldap://b')");
  await q(C, "DELETE FROM {config_plugins} WHERE plugin = 'auth_webservice' AND name = 'version'");
  await applyOk(admin({ compare: true }));
  const out = JSON.parse((await fleet.ws.ok(['output', '-json'])).stdout) as Record<string, { value: Comparison }>;
  const html = out.html!.value;
  assert.deepEqual(html.plugins.block_html![A], { installed: true, version: '2025100600', enabled: true, settings: {} });
  assert.equal(html.plugins.block_html![C]!.enabled, false);
  assert.deepEqual(html.differing, ['block_html']);
  assert.deepEqual(html.errors, {});
  const auth = out.auth!.value;
  assert.deepEqual(Object.keys(auth.plugins), ['auth_email', 'auth_ldap', 'auth_manual', 'auth_mnet', 'auth_nologin', 'auth_webservice']);
  assert.equal(auth.plugins.auth_manual![A]!.enabled, true, 'always enabled');
  assert.equal(auth.plugins.auth_email![A]!.enabled, true);
  assert.equal(auth.plugins.auth_ldap![A]!.enabled, false);
  assert.deepEqual(auth.plugins.auth_ldap![B]!.settings, { host_url: 'ldap://b' });
  assert.deepEqual(auth.plugins.auth_webservice![C], { installed: false, version: null, enabled: null, settings: {} });
  assert.deepEqual(auth.differing, ['auth_ldap', 'auth_webservice']);
  await applyOk('');
});

// --- scale ---------------------------------------------------------------------------------------

test('50 tenants x 5 resources apply in one run and the next plan is empty', { timeout: 300_000 }, async () => {
  const names = Array.from({ length: 47 }, (_, i) => `fs_${String(i).padStart(2, '0')}`);
  const all = `[${['vmoodle_tenant.fa_a.id', 'vmoodle_tenant.fa_b.id', 'vmoodle_tenant.fa_c.id', ...names.map((n) => `vmoodle_tenant.${n}.id`)].join(', ')}]`;
  const resources = `
resource "vmoodle_plugin_state" "scale_mod" {
  plugin  = "mod_wiki"
  enabled = false
  tenants = ${all}
}
resource "vmoodle_plugin_state" "scale_auth" {
  plugin   = "auth_ldap"
  enabled  = true
  tenants  = ${all}
  settings = { host_url = "ldap://ldap.example.edu" }
}
resource "vmoodle_config" "scale" {
  tenants         = ${all}
  settings        = { forcelogin = "1" }
  plugin_settings = { moodlecourse = { format = "weeks" } }
}
resource "vmoodle_maintenance" "scale" {
  tenants = ${all}
  mode    = "cli"
  message = "Scale test"
}
resource "vmoodle_cache_purge" "scale" {
  tenants  = ${all}
  triggers = { run = "1" }
}
`;
  const started = Date.now();
  await applyOk(names.map(tenantBlock).join('') + resources);
  const took = Date.now() - started;
  const ids = [A, B, C, ...names.map((n) => `default/moodle_${n}`)];
  for (const id of [ids[0]!, ids[25]!, ids[49]!]) {
    assert.deepEqual(await q(id, "SELECT visible FROM {modules} WHERE name = 'wiki'"), [{ visible: 0 }]);
    assert.equal(await cfg(id, 'auth'), 'email,ldap');
    assert.equal(await pcfg(id, 'moodlecourse', 'format'), 'weeks');
    assert.equal(existsSync(join(datarootOf(id), 'climaintenance.html')), true);
  }
  const planStarted = Date.now();
  await assertNoChanges();
  // Kept in the test output so a slow-down is visible in CI logs.
  console.log(`# 50 tenants (47 created from the template) + 5 fleet resources: apply ${took} ms, plan ${Date.now() - planStarted} ms`);
});
