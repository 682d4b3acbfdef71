// roaming_roles of vmoodle_mnet_subnetwork through the real terraform CLI against a private MariaDB,
// tenants loaded with the Moodle schema fixture: the grants of moodle/site:mnetlogintoremote appear
// and go with the configuration, only vmoodle's own grants are ever removed, drift shows in plan,
// and the role caches are invalidated the way every role write does it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, registryRows, REGISTRY_DB, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK, runTf, applyOk, assertEmptyPlan as emptyPlan } from '../helpers/terraform';
import { moodleFixturePath } from '../helpers/mariadb';

let fleet: Fleet;
const NAMES = ['alpha', 'beta', 'gamma'] as const;
type Name = (typeof NAMES)[number];
const CAPABILITY = 'moodle/site:mnetlogintoremote';

interface Step {
  members?: Name[];
  roaming?: string[];
  services?: string[];
}

function configFor(step: Step): string {
  const tenants = NAMES.map(
    (n) => `
resource "vmoodle_tenant" "${n}" {
  host                = "${n}.example.edu"
  name                = "${n} site"
  shortname           = "${n}"
  database            = { name = "moodle_${n}" }
  template            = "${moodleFixturePath()}"
  deletion_protection = false
}
`,
  ).join('');
  const campus = step.members
    ? `
resource "vmoodle_mnet_subnetwork" "campus" {
  name    = "campus"
  members = [${step.members.map((m) => `vmoodle_tenant.${m}.id`).join(', ')}]
  ${step.roaming ? `roaming_roles = ${JSON.stringify(step.roaming)}` : ''}
  ${step.services ? `services = ${JSON.stringify(step.services)}` : ''}
}
`
    : '';
  return PROVIDER_BLOCK + tenants + campus;
}

const run = (args: string[]): Promise<{ code: number | null; out: string }> => runTf(fleet.ws, args);

async function apply(step: Step): Promise<string> {
  fleet.ws.write({ 'main.tf': configFor(step) });
  return applyOk(fleet.ws);
}

const assertEmptyPlan = (): Promise<void> => emptyPlan(fleet.ws);

const db = (n: Name): string => `moodle_${n}`;

interface Grant {
  role: string;
  permission: number;
  modifierid: number;
}

/** Every row of the roaming capability at the system context, by role shortname. */
async function grants(n: Name): Promise<Record<string, Grant>> {
  const [rows] = await fleet.admin.query(
    `SELECT r.shortname AS role, rc.permission, rc.modifierid FROM ${db(n)}.mdl_role_capabilities rc
       JOIN ${db(n)}.mdl_role r ON r.id = rc.roleid JOIN ${db(n)}.mdl_context c ON c.id = rc.contextid
      WHERE rc.capability = ? AND c.contextlevel = 10`,
    [CAPABILITY],
  );
  return Object.fromEntries((rows as Grant[]).map((g) => [g.role, { role: g.role, permission: Number(g.permission), modifierid: Number(g.modifierid) }]));
}

async function assertRoaming(expected: Record<Name, string[]>): Promise<void> {
  for (const n of NAMES) {
    const g = await grants(n);
    assert.deepEqual(Object.keys(g).sort(), [...expected[n]].sort(), `${n}: roles holding ${CAPABILITY}`);
    for (const role of expected[n]) assert.equal(g[role]!.permission, 1, `${n}: ${role} is allowed (CAP_ALLOW)`);
  }
}

async function claims(): Promise<string[]> {
  const [rows] = await fleet.admin.query(`SELECT tenant_id, role_shortname FROM ${REGISTRY_DB}.vmoodle_mnet_roaming_grant ORDER BY 1, 2`);
  return (rows as Array<{ tenant_id: string; role_shortname: string }>).map((r) => `${r.tenant_id.replace('default/moodle_', '')}:${r.role_shortname}`);
}

const roledefsDir = (dataroot: string): string => join(dataroot, 'cache', 'cachestore_file', 'default_application', 'core_roledefs');

before(async () => {
  fleet = await startFleet();
  fleet.ws.write({ 'main.tf': configFor({}) });
  const init = await run(['init']);
  assert.equal(init.code, 0, init.out);
  await apply({});
  // An administrator of gamma let authenticated users roam before vmoodle came: that grant is not vmoodle's.
  await fleet.admin.query(
    `INSERT INTO ${db('gamma')}.mdl_role_capabilities (contextid, roleid, capability, permission, timemodified, modifierid)
     SELECT 1, id, ?, 1, 1700000000, 2 FROM ${db('gamma')}.mdl_role WHERE shortname = 'user'`,
    [CAPABILITY],
  );
});

after(async () => {
  await fleet?.stop();
});

test('validate refuses roaming without an identity provider and a malformed role shortname, naming roaming_roles', async () => {
  fleet.ws.write({
    'main.tf': configFor({}),
    'bad.tf': `
resource "vmoodle_mnet_subnetwork" "enrol" {
  name          = "enrol"
  members       = ["default/moodle_alpha"]
  services      = ["mnet_enrol"]
  roaming_roles = ["user"]
}
resource "vmoodle_mnet_subnetwork" "odd" {
  name          = "odd"
  members       = ["default/moodle_alpha"]
  roaming_roles = ["user role"]
}
`,
  });
  const r = await run(['validate']);
  fleet.ws.write({ 'bad.tf': '' });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /Error: Roaming without an identity provider[\s\S]*?roaming_roles = \["user"\][\s\S]*?services\s+has\s+no\s+"sso_idp"/);
  assert.match(r.out, /Error: Invalid role shortname[\s\S]*?roaming_roles = \["user role"\][\s\S]*?"user role"\s+is\s+not\s+a\s+role\s+shortname/);
});

test('roaming_roles grants the capability at the system context on every member, and invalidates role caches', async () => {
  for (const row of await registryRows(fleet.admin)) {
    mkdirSync(join(roledefsDir(row.dataroot), '7-c-cache'), { recursive: true });
    writeFileSync(join(roledefsDir(row.dataroot), '7-c-cache', '7-abc.cache'), 'stale');
  }
  const out = await apply({ members: ['alpha', 'beta', 'gamma'], roaming: ['user', 'manager'] });
  assert.match(out, /1 added/);
  await assertRoaming({ alpha: ['manager', 'user'], beta: ['manager', 'user'], gamma: ['manager', 'user'] });
  assert.equal((await grants('gamma')).user!.modifierid, 2, "gamma's own grant is left as it was");
  assert.deepEqual(await claims(), ['alpha:manager', 'alpha:user', 'beta:manager', 'beta:user', 'gamma:manager'], 'vmoodle claims only the grants it made');
  for (const row of await registryRows(fleet.admin)) {
    const [flags] = await fleet.admin.query(`SELECT value FROM ${row.dbname}.mdl_cache_flags WHERE flagtype = 'accesslib/dirtycontexts' AND name = '/1'`);
    assert.equal((flags as unknown[]).length, 1, `${row.host}: sessions are told to reload access`);
    assert.equal(existsSync(roledefsDir(row.dataroot)), false, `${row.host}: core_roledefs purged`);
  }
  await assertEmptyPlan();
});

test('an unknown role is a plan error naming the tenant and the role', async () => {
  fleet.ws.write({ 'main.tf': configFor({ members: ['alpha', 'beta', 'gamma'], roaming: ['user', 'manager', 'roamer'] }) });
  const plan = await run(['plan']);
  assert.equal(plan.code, 1, plan.out);
  for (const n of NAMES) {
    assert.match(plan.out, new RegExp(`Error: Unknown role roamer on ${n}\\.example\\.edu[\\s\\S]*?roaming_roles[\\s\\S]*?Tenant ${n}\\.example\\.edu \\(default/moodle_${n}\\) has\\s+no\\s+role\\s+with\\s+shortname\\s+"roamer"`));
  }
});

test('a role dropped from roaming_roles loses the grants vmoodle made', async () => {
  await apply({ members: ['alpha', 'beta', 'gamma'], roaming: ['user'] });
  await assertRoaming({ alpha: ['user'], beta: ['user'], gamma: ['user'] });
  assert.deepEqual(await claims(), ['alpha:user', 'beta:user']);
  await assertEmptyPlan();
});

test('a member that leaves loses its grant; the others keep theirs', async () => {
  await apply({ members: ['alpha', 'gamma'], roaming: ['user'] });
  await assertRoaming({ alpha: ['user'], beta: [], gamma: ['user'] });
  assert.deepEqual(await claims(), ['alpha:user']);
  await assertEmptyPlan();
});

test('a role someone else set to prevent is left alone and named; what the failed apply granted elsewhere is undone by the next', async () => {
  await fleet.admin.query(
    `INSERT INTO ${db('gamma')}.mdl_role_capabilities (contextid, roleid, capability, permission, timemodified, modifierid)
     SELECT 1, id, ?, -1, 1700000000, 2 FROM ${db('gamma')}.mdl_role WHERE shortname = 'manager'`,
    [CAPABILITY],
  );
  fleet.ws.write({ 'main.tf': configFor({ members: ['alpha', 'gamma'], roaming: ['user', 'manager'] }) });
  const failed = await run(['apply', '-auto-approve']);
  assert.equal(failed.code, 1, failed.out);
  assert.match(failed.out, /gamma\.example\.edu \(default\/moodle_gamma\): roaming_roles:\s+moodle\/site:mnetlogintoremote\s+is\s+set\s+to\s+something\s+other\s+than\s+allow\s+for\s+role\s+"manager"/);
  assert.equal((await grants('gamma')).manager!.permission, -1, "gamma's prevent is untouched");
  assert.equal((await grants('alpha')).manager!.permission, 1, 'alpha was granted before gamma failed');

  fleet.ws.write({ 'main.tf': configFor({ members: ['alpha', 'gamma'], roaming: ['user'] }) });
  const plan = await run(['plan', '-detailed-exitcode']);
  assert.equal(plan.code, 2, plan.out);
  // The failed apply left the prior state; the stray grant shows through member_state.
  assert.match(plan.out, /"default\/moodle_alpha" = \{[\s\S]*?~ roaming_roles\s+= \[[\s\S]*?- "manager"/);
  assert.match(plan.out, /role manager still holds\s+moodle\/site:mnetlogintoremote/);
  await apply({ members: ['alpha', 'gamma'], roaming: ['user'] });
  assert.deepEqual(Object.keys(await grants('alpha')), ['user']);
  assert.equal((await grants('gamma')).manager!.permission, -1, "gamma's prevent is still untouched");
  assert.deepEqual(await claims(), ['alpha:user']);
  await assertEmptyPlan();
  await fleet.admin.query(`DELETE FROM ${db('gamma')}.mdl_role_capabilities WHERE capability = ? AND permission = -1`, [CAPABILITY]);
});

test('drift: a grant deleted by hand shows in plan, and apply restores it', async () => {
  await fleet.admin.query(`DELETE FROM ${db('alpha')}.mdl_role_capabilities WHERE capability = ?`, [CAPABILITY]);
  fleet.ws.write({ 'main.tf': configFor({ members: ['alpha', 'gamma'], roaming: ['user'] }) });
  const plan = await run(['plan', '-detailed-exitcode']);
  assert.equal(plan.code, 2, plan.out);
  assert.match(plan.out, /"default\/moodle_alpha" = \{[\s\S]*?~ roaming_roles\s+= \[[\s\S]*?\+ "user"/);
  assert.match(plan.out, /role user does not hold\s+moodle\/site:mnetlogintoremote/);
  assert.match(plan.out, /Plan: 0 to add, 1 to change, 0 to destroy/);
  await apply({ members: ['alpha', 'gamma'], roaming: ['user'] });
  await assertRoaming({ alpha: ['user'], beta: [], gamma: ['user'] });
  await assertEmptyPlan();
});

test('import keeps roaming_roles', async () => {
  const rm = await run(['state', 'rm', 'vmoodle_mnet_subnetwork.campus']);
  assert.equal(rm.code, 0, rm.out);
  const imp = await run(['import', 'vmoodle_mnet_subnetwork.campus', 'campus']);
  assert.equal(imp.code, 0, imp.out);
  await assertEmptyPlan();
});

test('destroying the subnetwork removes the grants vmoodle made and keeps the one that was there before', async () => {
  await apply({});
  await assertRoaming({ alpha: [], beta: [], gamma: ['user'] });
  assert.equal((await grants('gamma')).user!.modifierid, 2);
  assert.deepEqual(await claims(), []);
});
