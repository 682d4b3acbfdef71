// vmoodle_role, vmoodle_capability and data "vmoodle_role_comparison" through the real terraform CLI,
// on three tenants loaded from the Moodle fixture in a private MariaDB. Every step checks the rows
// Moodle would read (role_capabilities, role, role_context_levels, role_allow_*, cache_flags) and the
// cache folders in the tenants' dataroots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, registryRows, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK, runTf, applyOk, assertEmptyPlan } from '../helpers/terraform';
import { moodleFixturePath } from '../helpers/mariadb';

let fleet: Fleet;
const SITES = ['physics', 'maths', 'chemistry'] as const;
const ALL = `[${SITES.map((s) => `vmoodle_tenant.${s}.id`).join(', ')}]`;

function tenants(): string {
  return SITES.map(
    (s) => `
resource "vmoodle_tenant" "${s}" {
  host                = "${s}.example.edu"
  name                = "${s}"
  shortname           = "${s}"
  database            = { name = "moodle_${s}" }
  template            = "${moodleFixturePath()}"
  deletion_protection = false
}
`,
  ).join('');
}

interface Parts {
  teacherMode?: 'merge' | 'exact';
  teacherExtra?: string;
  capability?: string;
  comparison?: boolean;
  importStudent?: boolean;
}

function config(p: Parts = {}): string {
  const teacher = `
resource "vmoodle_role" "teacher" {
  tenants   = ${ALL}
  shortname = "editingteacher"
  mode      = "${p.teacherMode ?? 'merge'}"
  capabilities = {
    "moodle/course:update"    = "prohibit"
    "moodle/site:sendmessage" = "allow"
    "moodle/course:view"      = "prevent"
    "moodle/role:assign"      = "inherit"
    ${p.teacherExtra ?? ''}
  }
}

resource "vmoodle_role" "examiner" {
  tenants        = ${ALL}
  shortname      = "examiner"
  name           = "Examiner"
  description    = "Marks exams"
  archetype      = "teacher"
  mode           = "exact"
  context_levels = ["course", "module"]
  allow_assign   = ["student"]
  allow_view     = ["examiner", "student"]
  capabilities = {
    "moodle/course:view"      = "allow"
    "moodle/user:viewdetails" = "allow"
  }
}
`;
  const comparison = `
data "vmoodle_role_comparison" "student" {
  tenants   = ${ALL}
  shortname = "student"
}
data "vmoodle_role_comparison" "teacher" {
  tenants    = ${ALL}
  shortname  = "editingteacher"
  depends_on = [vmoodle_role.teacher]
}
output "student_differing" { value = data.vmoodle_role_comparison.student.differing_capabilities }
output "student_differences" { value = data.vmoodle_role_comparison.student.differences }
output "teacher_identical" { value = data.vmoodle_role_comparison.teacher.identical }
check "student_in_sync" {
  assert {
    condition     = data.vmoodle_role_comparison.student.identical
    error_message = "student differs on: \${join(", ", data.vmoodle_role_comparison.student.differing_capabilities)}"
  }
}
`;
  const student = `
import {
  to = vmoodle_role.student
  id = "student@\${vmoodle_tenant.physics.id},\${vmoodle_tenant.maths.id},\${vmoodle_tenant.chemistry.id}"
}
resource "vmoodle_role" "student" {
  tenants   = ${ALL}
  shortname = "student"
  mode      = "exact"
  capabilities = {
    "moodle/user:viewdetails" = "allow"
    "moodle/search:query"     = "allow"
    "moodle/site:configview"  = "prohibit"
  }
}
`;
  return PROVIDER_BLOCK + tenants() + teacher + (p.capability ?? '') + (p.comparison ? comparison : '') + (p.importStudent ? student : '');
}

/** A regexp for text Terraform may word-wrap inside a diagnostic box ("│ " at each line start). */
function loose(text: string): RegExp {
  return new RegExp(text.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('[\\s│]+'));
}

/** Flags go right after the (sub)command: terraform wants positional arguments (a plan file, an address) last. */
const run = (args: string[]): Promise<{ code: number | null; out: string }> => runTf(fleet.ws, args);
const apply = (): Promise<string> => applyOk(fleet.ws);
const assertNoChanges = (): Promise<void> => assertEmptyPlan(fleet.ws);

/** capability → stored permission of a role at the system context. */
async function perms(site: string, role: string): Promise<Record<string, number>> {
  const [rows] = await fleet.admin.query(
    `SELECT rc.capability, rc.permission FROM moodle_${site}.mdl_role_capabilities rc JOIN moodle_${site}.mdl_role r ON r.id = rc.roleid
      WHERE r.shortname = ? AND rc.contextid = 1 ORDER BY rc.capability`,
    [role],
  );
  return Object.fromEntries((rows as Array<{ capability: string; permission: number }>).map((r) => [r.capability, Number(r.permission)]));
}

async function column(sql: string, params: unknown[] = []): Promise<unknown[]> {
  const [rows] = await fleet.admin.query(sql, params);
  return (rows as Array<Record<string, unknown>>).map((r) => Object.values(r)[0]);
}

const roledefsDir = (dataroot: string): string => join(dataroot, 'cache', 'cachestore_file', 'default_application', 'core_roledefs');

before(async () => {
  fleet = await startFleet();
});

after(async () => {
  await fleet?.stop();
});

test('three fixture tenants', async () => {
  fleet.ws.write({ 'main.tf': PROVIDER_BLOCK + tenants() });
  assert.equal((await run(['init'])).code, 0);
  await apply();
  // A cached role definition, as Moodle's file store keeps it, in every site.
  for (const row of await registryRows(fleet.admin)) {
    mkdirSync(join(roledefsDir(row.dataroot), '3-c-cache'), { recursive: true });
    writeFileSync(join(roledefsDir(row.dataroot), '3-c-cache', '3-abc.cache'), 'stale');
  }
});

test('merge mode writes the listed permissions as Moodle stores them and nothing else; a missing role is created', async () => {
  fleet.ws.write({ 'main.tf': config() });
  const out = await apply();
  assert.match(out, /Resources: 2 added, 0 changed, 0 destroyed/);
  const before = Math.floor(Date.now() / 1000);
  for (const site of SITES) {
    assert.deepEqual(
      await perms(site, 'editingteacher'),
      {
        'moodle/course:update': -1000, // prohibit
        'moodle/course:view': -1, // prevent
        'moodle/search:query': 1, // untouched (merge)
        'moodle/site:sendmessage': 1, // allow
        'moodle/user:viewdetails': 1, // untouched (merge)
        // moodle/role:assign = inherit: the fixture's allow row is gone
      },
      site,
    );
    assert.deepEqual(await perms(site, 'examiner'), { 'moodle/course:view': 1, 'moodle/user:viewdetails': 1 });
    const db = `moodle_${site}`;
    const [[role]] = (await fleet.admin.query(`SELECT id, name, description, archetype, sortorder FROM ${db}.mdl_role WHERE shortname = 'examiner'`)) as unknown as [Array<Record<string, unknown>>];
    assert.deepEqual({ ...role, id: undefined }, { id: undefined, name: 'Examiner', description: 'Marks exams', archetype: 'teacher', sortorder: 9 });
    assert.deepEqual(await column(`SELECT contextlevel FROM ${db}.mdl_role_context_levels WHERE roleid = ? ORDER BY 1`, [role!.id]), [50, 70]);
    assert.deepEqual(await column(`SELECT r.shortname FROM ${db}.mdl_role_allow_assign a JOIN ${db}.mdl_role r ON r.id = a.allowassign WHERE a.roleid = ? ORDER BY 1`, [role!.id]), ['student']);
    assert.deepEqual(await column(`SELECT r.shortname FROM ${db}.mdl_role_allow_view a JOIN ${db}.mdl_role r ON r.id = a.allowview WHERE a.roleid = ? ORDER BY 1`, [role!.id]), ['examiner', 'student']);
    assert.deepEqual(await column(`SELECT COUNT(*) FROM ${db}.mdl_role_allow_switch WHERE roleid = ?`, [role!.id]), [0], 'allow_switch is not managed: nothing written');
    // Sessions are told to reload: the system context is flagged dirty until now + sessiontimeout.
    const [flags] = await fleet.admin.query(`SELECT value, timemodified, expiry FROM ${db}.mdl_cache_flags WHERE flagtype = 'accesslib/dirtycontexts' AND name = '/1'`);
    const flag = (flags as Array<{ value: string; timemodified: number; expiry: number }>)[0]!;
    assert.equal(flag.value, '1');
    assert.ok(Math.abs(Number(flag.expiry) - Number(flag.timemodified) - 28800) === 0 && Number(flag.timemodified) >= before - 120);
  }
  for (const row of await registryRows(fleet.admin)) assert.equal(existsSync(roledefsDir(row.dataroot)), false, `core_roledefs of ${row.host} purged`);
  await assertNoChanges();
});

test('exact mode removes the permissions not listed (and the plan says which)', async () => {
  fleet.ws.write({ 'main.tf': config({ teacherMode: 'exact' }) });
  const plan = await run(['plan']);
  assert.match(plan.out, /Exact mode removes unlisted permissions of role editingteacher/);
  assert.match(plan.out, loose('physics.example.edu: moodle/search:query, moodle/user:viewdetails'));
  await apply();
  for (const site of SITES) {
    assert.deepEqual(await perms(site, 'editingteacher'), { 'moodle/course:update': -1000, 'moodle/course:view': -1, 'moodle/site:sendmessage': 1 }, site);
  }
  await assertNoChanges();
});

test('changes made by hand show as drift, and apply puts them back', async () => {
  await fleet.admin.query("UPDATE moodle_maths.mdl_role_capabilities SET permission = 1 WHERE roleid = 3 AND contextid = 1 AND capability = 'moodle/course:update'");
  await fleet.admin.query("INSERT INTO moodle_chemistry.mdl_role_capabilities (contextid, roleid, capability, permission) VALUES (1, 3, 'moodle/site:config', 1)");
  await fleet.admin.query("DELETE FROM moodle_physics.mdl_role WHERE shortname = 'examiner'");
  const plan = await run(['plan', '-detailed-exitcode']);
  assert.equal(plan.code, 2, plan.out);
  assert.match(plan.out, /~ "moodle\/course:update"\s+= "allow" -> "prohibit"/);
  assert.match(plan.out, /- "moodle\/site:config"\s+= "allow" -> null/);
  assert.match(plan.out, /vmoodle_role\.examiner will be updated in-place[\s\S]*\+ "default\/moodle_physics"/);
  assert.match(plan.out, /2 to change/);
  await apply();
  assert.equal((await perms('maths', 'editingteacher'))['moodle/course:update'], -1000);
  assert.equal((await perms('chemistry', 'editingteacher'))['moodle/site:config'], undefined);
  assert.deepEqual(await perms('physics', 'examiner'), { 'moodle/course:view': 1, 'moodle/user:viewdetails': 1 });
  await assertNoChanges();
});

test('an unknown capability is refused at plan time, naming each tenant that lacks it', async () => {
  // The capability of a plugin installed on physics only.
  await fleet.admin.query("INSERT INTO moodle_physics.mdl_capabilities (name, captype, contextlevel, component, riskbitmask) VALUES ('local/vmoodle:execute', 'write', 10, 'local_vmoodle', 0)");
  fleet.ws.write({ 'main.tf': config({ teacherMode: 'exact', teacherExtra: '"local/vmoodle:execute" = "allow"' }) });
  const plan = await run(['plan']);
  assert.equal(plan.code, 1, plan.out);
  assert.match(plan.out, /Unknown capability local\/vmoodle:execute on maths\.example\.edu/);
  assert.match(plan.out, /Unknown capability local\/vmoodle:execute on chemistry\.example\.edu/);
  assert.doesNotMatch(plan.out, /on physics\.example\.edu/);
});

test('a tenant failing at apply is reported by name, the others are written, and the next apply retries it', async () => {
  for (const site of ['maths', 'chemistry']) {
    await fleet.admin.query(`INSERT INTO moodle_${site}.mdl_capabilities (name, captype, contextlevel, component, riskbitmask) VALUES ('local/vmoodle:execute', 'write', 10, 'local_vmoodle', 0)`);
  }
  // A table the write needs is missing on chemistry (only the apply notices: the plan checks names, not tables).
  await fleet.admin.query('RENAME TABLE moodle_chemistry.mdl_cache_flags TO moodle_chemistry.mdl_cache_flags_away');
  const r = await run(['apply', '-auto-approve']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /Could not apply role editingteacher on chemistry\.example\.edu/);
  assert.match(r.out, loose("moodle_chemistry.mdl_cache_flags' doesn't exist"));
  assert.doesNotMatch(r.out, /on (physics|maths)\.example\.edu/);
  assert.equal((await perms('physics', 'editingteacher'))['moodle/site:sendmessage'], 1);
  assert.equal((await perms('physics', 'editingteacher'))['local/vmoodle:execute'], 1);
  assert.equal((await perms('maths', 'editingteacher'))['local/vmoodle:execute'], 1);
  assert.equal((await perms('chemistry', 'editingteacher'))['local/vmoodle:execute'], undefined, 'the failed tenant was rolled back as a whole');
  const state = await run(['state', 'show', 'vmoodle_role.teacher']);
  assert.match(state.out, /"default\/moodle_physics"/);
  assert.doesNotMatch(state.out, /"default\/moodle_chemistry"/, 'partial success recorded: chemistry is not in state');

  await fleet.admin.query('RENAME TABLE moodle_chemistry.mdl_cache_flags_away TO moodle_chemistry.mdl_cache_flags');
  const retry = await run(['plan']);
  assert.match(retry.out, /\+ "default\/moodle_chemistry"/);
  await apply();
  assert.equal((await perms('chemistry', 'editingteacher'))['local/vmoodle:execute'], 1);
  await assertNoChanges();
});

const capabilityResource = (perm: string): string => `
resource "vmoodle_capability" "configview" {
  tenants     = ${ALL}
  capability  = "moodle/site:configview"
  permissions = { ${perm} }
}
`;
const CONFIGVIEW = capabilityResource('teacher = "allow", student = "prohibit", manager = "inherit"');

test('vmoodle_capability sets one capability for several roles; an unknown role is refused', async () => {
  const resource = capabilityResource;
  const base = { teacherMode: 'exact' as const, teacherExtra: '"local/vmoodle:execute" = "allow"' };
  fleet.ws.write({ 'main.tf': config({ ...base, capability: resource('teacher = "allow", student = "prohibit", manager = "inherit", nosuchrole = "allow"') }) });
  const bad = await run(['plan']);
  assert.equal(bad.code, 1, bad.out);
  assert.match(bad.out, /Unknown role nosuchrole on physics\.example\.edu/);

  fleet.ws.write({ 'main.tf': config({ ...base, capability: resource('teacher = "allow", student = "prohibit", manager = "inherit"') }) });
  await apply();
  for (const site of SITES) {
    assert.equal((await perms(site, 'teacher'))['moodle/site:configview'], 1);
    assert.equal((await perms(site, 'student'))['moodle/site:configview'], -1000);
    assert.equal((await perms(site, 'manager'))['moodle/site:configview'], undefined);
    assert.equal((await perms(site, 'coursecreator'))['moodle/site:configview'], 1, 'roles not listed keep theirs');
  }
  await fleet.admin.query("UPDATE moodle_physics.mdl_role_capabilities SET permission = -1 WHERE roleid = 5 AND contextid = 1 AND capability = 'moodle/site:configview'");
  const drift = await run(['plan', '-detailed-exitcode']);
  assert.equal(drift.code, 2, drift.out);
  assert.match(drift.out, /~ "student"\s+= "prevent" -> "prohibit"/);
  await apply();
  await assertNoChanges();
});

test('the comparison lists exactly the differing capabilities; importing the role and applying makes them identical', async () => {
  const base = { teacherMode: 'exact' as const, teacherExtra: '"local/vmoodle:execute" = "allow"', capability: CONFIGVIEW };
  await fleet.admin.query("UPDATE moodle_maths.mdl_role_capabilities SET permission = -1000 WHERE roleid = 5 AND contextid = 1 AND capability = 'moodle/search:query'");
  await fleet.admin.query("INSERT INTO moodle_maths.mdl_role_capabilities (contextid, roleid, capability, permission) VALUES (1, 5, 'moodle/course:view', 1)");
  fleet.ws.write({ 'main.tf': config({ ...base, comparison: true }) });
  const r = await run(['apply', '-auto-approve']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Check block assertion failed/);
  assert.match(r.out, loose('student differs on: moodle/course:view, moodle/search:query'));
  const outputs = JSON.parse((await fleet.ws.ok(['output', '-json'])).stdout) as Record<string, { value: unknown }>;
  assert.deepEqual(outputs.student_differing!.value, ['moodle/course:view', 'moodle/search:query']);
  assert.deepEqual(outputs.student_differences!.value, [
    { capability: 'moodle/course:view', permissions: { 'default/moodle_chemistry': 'inherit', 'default/moodle_maths': 'allow', 'default/moodle_physics': 'inherit' } },
    { capability: 'moodle/search:query', permissions: { 'default/moodle_chemistry': 'allow', 'default/moodle_maths': 'prohibit', 'default/moodle_physics': 'allow' } },
  ]);
  assert.equal(outputs.teacher_identical!.value, true);

  // Take the student role under management (import from physics): the plan shows maths' differences.
  fleet.ws.write({ 'main.tf': config({ ...base, comparison: true, importStudent: true }) });
  const plan = await run(['plan']);
  assert.match(plan.out, /vmoodle_role\.student will be updated in-place[\s\S]*1 to import/);
  assert.match(plan.out, /- "moodle\/course:view"\s+= "allow" -> null/);
  assert.match(plan.out, /~ "moodle\/search:query"\s+= "prohibit" -> "allow"/);
  const fixed = await run(['apply', '-auto-approve']);
  assert.equal(fixed.code, 0, fixed.out);
  assert.deepEqual(await perms('maths', 'student'), { 'moodle/search:query': 1, 'moodle/site:configview': -1000, 'moodle/user:viewdetails': 1 });
  // The comparison is read while planning, so the next run sees the fixed sites: the check passes.
  const again = await apply();
  assert.doesNotMatch(again, /Check block assertion failed/);
  const after = JSON.parse((await fleet.ws.ok(['output', '-json'])).stdout) as Record<string, { value: unknown }>;
  assert.deepEqual(after.student_differing!.value, []);
});

test('removing the resources leaves the roles on the sites', async () => {
  fleet.ws.write({ 'main.tf': PROVIDER_BLOCK + tenants() });
  const out = await apply();
  assert.match(out, /4 destroyed/);
  for (const site of SITES) {
    assert.deepEqual(await perms(site, 'examiner'), { 'moodle/course:view': 1, 'moodle/user:viewdetails': 1 });
    assert.equal((await perms(site, 'editingteacher'))['moodle/course:update'], -1000);
  }
});
