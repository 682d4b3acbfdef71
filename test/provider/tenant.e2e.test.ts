// vmoodle_tenant through the real terraform CLI against a private MariaDB: the whole life of a
// small fleet, from offline init to destroy, checking the real databases, users, folders and
// registry rows at every step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { startFleet, databases, users, registryRows, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK } from '../helpers/terraform';
import { moodleFixturePath } from '../helpers/mariadb';

let fleet: Fleet;
const outputs: string[] = [];

function tenant(name: string, host: string, extra = ''): string {
  return `
resource "vmoodle_tenant" "${name}" {
  host      = "${host}"
  name      = "${name} site"
  shortname = "${name}"
  database  = { name = "moodle_${name}" }
  ${extra}
}
`;
}

function config(parts: { protection?: boolean; physicsHost?: string; withChemistry?: boolean } = {}): string {
  const protection = parts.protection === false ? 'deletion_protection = false' : '';
  return (
    PROVIDER_BLOCK +
    tenant('physics', parts.physicsHost ?? 'physics.example.edu', `template = "${moodleFixturePath()}"\n  ${protection}`) +
    tenant('maths', 'maths.example.edu', `config = { theme = "boost" }\n  ${protection}`) +
    (parts.withChemistry === false ? '' : tenant('chemistry', 'chemistry.example.edu', protection))
  );
}

async function run(args: string[], opts?: { env?: NodeJS.ProcessEnv }): Promise<{ code: number | null; out: string }> {
  const r = await fleet.ws.tf([...args, '-no-color'], opts);
  outputs.push(r.stdout, r.stderr);
  return { code: r.code, out: r.stdout + r.stderr };
}

before(async () => {
  fleet = await startFleet();
});

after(async () => {
  await fleet?.stop();
});

test('terraform init installs the provider offline from the filesystem mirror', async () => {
  fleet.ws.write({ 'main.tf': config() });
  const r = await run(['init', '-input=false']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Installed vmoodle\/vmoodle v0\.1\.0/);
});

test('validate names the attribute for each bad input', async () => {
  fleet.ws.write({
    'main.tf': config(),
    'bad.tf': `
resource "vmoodle_tenant" "bad" {
  host      = "Bad_Host.example.edu"
  name      = "bad"
  shortname = "bad"
  database  = { name = "1moodle", prefix = "MDL", user = "a-very-long-user-name-that-mysql-refuses" }
}
`,
  });
  const r = await run(['validate']);
  fleet.ws.write({ 'bad.tf': '' });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /Invalid host/);
  assert.match(r.out, /Invalid database\.name/);
  assert.match(r.out, /Invalid database\.prefix/);
  assert.match(r.out, /Invalid database\.user/);
});

test('apply creates every part of three tenants, then plans nothing', async () => {
  const r = await run(['apply', '-auto-approve', '-input=false']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Apply complete! Resources: 3 added/);

  assert.deepEqual(await databases(fleet.admin), ['moodle_chemistry', 'moodle_maths', 'moodle_physics']);
  assert.deepEqual(await users(fleet.admin), ['moodle_chemistry@%', 'moodle_maths@%', 'moodle_physics@%']);
  const rows = await registryRows(fleet.admin);
  assert.deepEqual(rows.map((x) => [x.host, x.state, x.wwwroot]), [
    ['chemistry.example.edu', 'active', 'https://chemistry.example.edu'],
    ['maths.example.edu', 'active', 'https://maths.example.edu'],
    ['physics.example.edu', 'active', 'https://physics.example.edu'],
  ]);
  for (const row of rows) {
    const st = statSync(row.dataroot);
    assert.ok(st.isDirectory());
    assert.equal(st.mode & 0o7777, 0o2770, `${row.dataroot} mode`);
    assert.equal(row.dataroot, join(fleet.datarootBase, row.host.split('.')[0]!));
  }

  // The user reaches its own database and nothing else.
  const physics = rows.find((x) => x.host === 'physics.example.edu')!;
  const conn = await createConnection({ host: '127.0.0.1', port: fleet.server.port, user: physics.dbuser, password: physics.dbpass, database: physics.dbname });
  const [cfg] = await conn.query("SELECT value FROM mdl_config WHERE name = 'noreplyaddress'");
  assert.equal((cfg as Array<{ value: string }>)[0]!.value, 'noreply@physics.example.edu');
  const [local] = await conn.query('SELECT wwwroot FROM mdl_mnet_host WHERE id = 1');
  assert.equal((local as Array<{ wwwroot: string }>)[0]!.wwwroot, 'https://physics.example.edu');
  await assert.rejects(conn.query('SELECT 1 FROM moodle_maths.mdl_config'), /denied/);
  await assert.rejects(conn.query('CREATE DATABASE sneaky'), /denied/);
  await conn.end();

  const plan = await run(['plan', '-detailed-exitcode', '-input=false']);
  assert.equal(plan.code, 0, plan.out);
  assert.match(plan.out, /No changes/);
});

test('a database dropped by hand shows in plan and the next apply restores it', async () => {
  await fleet.admin.query('DROP DATABASE moodle_chemistry');
  const plan = await run(['plan', '-detailed-exitcode', '-input=false']);
  assert.equal(plan.code, 2, plan.out);
  assert.match(plan.out, /vmoodle_tenant\.chemistry will be created/);
  const r = await run(['apply', '-auto-approve', '-input=false']);
  assert.equal(r.code, 0, r.out);
  assert.ok((await databases(fleet.admin)).includes('moodle_chemistry'));
  assert.equal((await run(['plan', '-detailed-exitcode', '-input=false'])).code, 0);
});

test('renaming the host switches the domain in the registry and in the site tables', async () => {
  fleet.ws.write({ 'main.tf': config({ physicsHost: 'phys.example.edu' }) });
  const plan = await run(['plan', '-input=false']);
  assert.match(plan.out, /~ host\s+= "physics\.example\.edu" -> "phys\.example\.edu"/);
  assert.match(plan.out, /1 to change, 0 to destroy/);
  const r = await run(['apply', '-auto-approve', '-input=false']);
  assert.equal(r.code, 0, r.out);
  const row = (await registryRows(fleet.admin)).find((x) => x.dbname === 'moodle_physics')!;
  assert.equal(row.host, 'phys.example.edu');
  assert.equal(row.wwwroot, 'https://phys.example.edu');
  const [local] = await fleet.admin.query('SELECT wwwroot FROM moodle_physics.mdl_mnet_host WHERE id = 1');
  assert.equal((local as Array<{ wwwroot: string }>)[0]!.wwwroot, 'https://phys.example.edu');
  assert.equal((await run(['plan', '-detailed-exitcode', '-input=false'])).code, 0);
});

test('an existing tenant imports by host, with an empty plan after it', async () => {
  const rm = await run(['state', 'rm', 'vmoodle_tenant.maths']);
  assert.equal(rm.code, 0, rm.out);
  const imp = await run(['import', '-input=false', 'vmoodle_tenant.maths', 'maths.example.edu']);
  assert.equal(imp.code, 0, imp.out);
  assert.match(imp.out, /Import successful/);
  assert.equal((await run(['plan', '-detailed-exitcode', '-input=false'])).code, 0);

  // The same through an import block.
  await run(['state', 'rm', 'vmoodle_tenant.chemistry']);
  fleet.ws.write({ 'imports.tf': 'import {\n  to = vmoodle_tenant.chemistry\n  id = "chemistry.example.edu"\n}\n' });
  const plan = await run(['plan', '-input=false']);
  assert.match(plan.out, /1 to import, 0 to add, 0 to change, 0 to destroy/);
  assert.equal((await run(['apply', '-auto-approve', '-input=false'])).code, 0);
  fleet.ws.write({ 'imports.tf': '' });
  assert.equal((await run(['plan', '-detailed-exitcode', '-input=false'])).code, 0);
});

test('destroy is refused under deletion_protection and removes everything without it', async () => {
  const refused = await run(['destroy', '-auto-approve', '-input=false']);
  assert.equal(refused.code, 1, refused.out);
  assert.match(refused.out, /deletion_protection = true/);
  assert.equal((await databases(fleet.admin)).length, 3);

  // Removing a protected tenant from the configuration is refused the same way.
  fleet.ws.write({ 'main.tf': config({ withChemistry: false }) });
  const removal = await run(['plan', '-input=false']);
  assert.equal(removal.code, 1, removal.out);
  assert.match(removal.out, /Destroy refused/);

  fleet.ws.write({ 'main.tf': config({ protection: false, physicsHost: 'phys.example.edu' }) });
  assert.equal((await run(['apply', '-auto-approve', '-input=false'])).code, 0);
  const rows = await registryRows(fleet.admin);
  const done = await run(['destroy', '-auto-approve', '-input=false']);
  assert.equal(done.code, 0, done.out);
  assert.match(done.out, /Destroy complete! Resources: 3 destroyed/);
  assert.deepEqual(await databases(fleet.admin), []);
  assert.deepEqual(await users(fleet.admin), []);
  assert.deepEqual(await registryRows(fleet.admin), []);
  for (const row of rows) assert.equal(existsSync(row.dataroot), false, row.dataroot);
  // Keep the passwords for the leak check below.
  passwords.push(...rows.map((x) => x.dbpass));
});

const passwords: string[] = [];

test('passwords never appear in terraform output or provider logs', async () => {
  fleet.ws.write({ 'main.tf': config({ protection: false }) });
  const logPath = join(fleet.ws.dir, 'trace.log');
  const r = await run(['apply', '-auto-approve', '-input=false'], { env: { TF_LOG: 'trace', TF_LOG_PATH: logPath } });
  assert.equal(r.code, 0, r.out);
  const rows = await registryRows(fleet.admin);
  passwords.push(...rows.map((x) => x.dbpass));
  const trace = readFileSync(logPath, 'utf8');
  assert.ok(trace.includes('vmoodle'), 'the trace log holds provider lines');
  await run(['destroy', '-auto-approve', '-input=false']);
  assert.ok(passwords.length >= 6);
  for (const pw of passwords) {
    assert.ok(pw.length >= 16);
    for (const text of [...outputs, trace]) assert.equal(text.includes(pw), false, 'a password leaked into terraform output or logs');
  }
});
