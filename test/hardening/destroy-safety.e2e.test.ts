// Destroy safety and secrets at rest, through the real terraform. deletion_protection on every
// destructive path (destroy, removal from the configuration, -replace), and the provider's promise
// for replacement: a change to database.name/server/prefix is refused at plan time, protected or
// not, in either replacement order, because Terraform would drop the old database before the new
// one exists. The MariaDB general log is the witness: no DROP DATABASE ran until a deliberate
// destroy. Also: what the state file holds and its mode, and no password in any output or log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, registryRows, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK } from '../helpers/terraform';
import { moodleFixturePath } from '../helpers/mariadb';
import { Transcript, reapProviders } from './provider-kit';
import { summary } from './summary';

const D = 'safety.test';
const U_PASSWORD = 'Literal-U-Passw0rd-' + Math.random().toString(36).slice(2, 10);
const W_PASSWORD = 'WriteOnly-W-Passw0rd-' + Math.random().toString(36).slice(2, 10);
const wEnv = { TF_VAR_w_password: W_PASSWORD };

let fleet: Fleet;
const transcript = new Transcript();
const refusals: string[] = [];

interface Variant {
  /** database names by tenant */
  db?: Partial<Record<'p' | 'u' | 'v', string>>;
  wPrefix?: string;
  withoutP?: boolean;
  /** HCL appended as it is. */
  extra?: string;
}

function config(v: Variant = {}): string {
  const db = { p: 'moodle_p', u: 'moodle_u', v: 'moodle_v', ...v.db };
  return (
    PROVIDER_BLOCK +
    `
variable "w_password" {
  type      = string
  sensitive = true
  ephemeral = true
}
${
  v.withoutP
    ? ''
    : `
resource "vmoodle_tenant" "p" {
  host      = "p.${D}"
  name      = "Protected"
  shortname = "p"
  database  = { name = "${db.p}" }
  template  = "${moodleFixturePath()}"
}`
}
resource "vmoodle_tenant" "u" {
  host                = "u.${D}"
  name                = "Unprotected"
  shortname           = "u"
  database            = { name = "${db.u}", password = "${U_PASSWORD}" }
  deletion_protection = false
}
resource "vmoodle_tenant" "v" {
  host                = "v.${D}"
  name                = "Unprotected, create before destroy"
  shortname           = "v"
  database            = { name = "${db.v}" }
  deletion_protection = false
  lifecycle {
    create_before_destroy = true
  }
}
resource "vmoodle_tenant" "w" {
  host                = "w.${D}"
  name                = "Write-only password"
  shortname           = "w"
  database            = { name = "moodle_w", prefix = "${v.wPrefix ?? 'mdl_'}", password_wo = var.w_password, password_wo_version = 1 }
  deletion_protection = false
}
${v.extra ?? ''}`
  );
}

const run = (args: string[]) => transcript.run(fleet.ws, args, { env: wEnv });

async function marker(db: string): Promise<string | null> {
  try {
    const [rows] = await fleet.admin.query(`SELECT note FROM \`${db}\`.hardening_marker`);
    return (rows as Array<{ note: string }>)[0]?.note ?? null;
  } catch {
    return null;
  }
}

async function allMarkersIntact(): Promise<void> {
  for (const db of ['moodle_p', 'moodle_u', 'moodle_v', 'moodle_w']) assert.equal(await marker(db), `data of ${db}`, `${db} and its data are intact`);
}

/** DROP / CREATE DATABASE statements the server ran since the general log was switched on. */
async function ddlSeen(): Promise<string[]> {
  const [rows] = await fleet.admin.query(
    "SELECT CONVERT(argument USING utf8mb4) AS q FROM mysql.general_log WHERE command_type = 'Query' AND (argument LIKE 'DROP DATABASE%' OR argument LIKE 'CREATE DATABASE%') ORDER BY event_time",
  );
  return (rows as Array<{ q: string }>).map((r) => r.q);
}

/** Terraform wraps diagnostics at ~78 columns: compare with whitespace collapsed. */
function flat(text: string): string {
  return text.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ');
}

before(async () => {
  fleet = await startFleet();
  fleet.ws.write({ 'main.tf': config() });
  const init = await run(['init', '-input=false']);
  assert.equal(init.code, 0, init.out);
});

after(async () => {
  await fleet?.admin.query('SET GLOBAL general_log = OFF').catch(() => undefined);
  if (fleet) await reapProviders(fleet.ws, 10_000);
  await fleet?.stop();
});

test('apply; the state file: what it holds and its mode', async () => {
  const r = await run(['apply', '-auto-approve', '-input=false']);
  assert.equal(r.code, 0, r.out);
  for (const db of ['moodle_p', 'moodle_u', 'moodle_v', 'moodle_w']) {
    await fleet.admin.query(`CREATE TABLE \`${db}\`.hardening_marker (note VARCHAR(100))`);
    await fleet.admin.query(`INSERT INTO \`${db}\`.hardening_marker VALUES (?)`, [`data of ${db}`]);
  }
  const statePath = join(fleet.ws.dir, 'terraform.tfstate');
  const mode = statSync(statePath).mode & 0o777;
  const state = readFileSync(statePath, 'utf8');
  const rows = await registryRows(fleet.admin);
  const inState = rows.filter((x) => state.includes(x.dbpass)).map((x) => x.host.split('.')[0]).sort();
  // Terraform keeps sensitive attributes in state in clear text: the state is a secret. A write-only
  // password (password_wo) is the way to keep one out of it.
  assert.deepEqual(inState, ['p', 'u', 'v'], 'passwords in state: all but the write-only one');
  assert.ok(!state.includes(W_PASSWORD));
  assert.ok(state.includes(U_PASSWORD), 'a literal password from the configuration is in state too');
  summary('state-file', { path: 'terraform.tfstate', mode: mode.toString(8).padStart(4, '0'), worldReadable: (mode & 0o004) !== 0, passwordsInState: inState.length, writeOnlyInState: false });
  // From here on the server logs every statement: the witness for what follows.
  await fleet.admin.query("SET GLOBAL log_output = 'TABLE'");
  await fleet.admin.query('TRUNCATE TABLE mysql.general_log');
  await fleet.admin.query('SET GLOBAL general_log = ON');
});

test('terraform destroy is refused at plan time while a tenant is protected', async () => {
  const r = await run(['plan', '-destroy', '-input=false']);
  assert.equal(r.code, 1, r.out);
  assert.match(flat(r.out), /Destroy refused.*p\.safety\.test has deletion_protection = true/);
  refusals.push('destroy');
  await allMarkersIntact();
});

test('removing a protected tenant from the configuration is refused at plan time', async () => {
  fleet.ws.write({ 'main.tf': config({ withoutP: true }) });
  const r = await run(['apply', '-auto-approve', '-input=false']);
  fleet.ws.write({ 'main.tf': config() });
  assert.equal(r.code, 1, r.out);
  assert.match(flat(r.out), /Destroy refused/);
  refusals.push('removal from configuration');
  await allMarkersIntact();
});

test('a change that would replace is refused at plan time, protected or not, in either order', async () => {
  fleet.ws.write({ 'main.tf': config({ db: { p: 'moodle_p2', u: 'moodle_u2', v: 'moodle_v2' }, wPrefix: 'w_' }) });
  const r = await run(['apply', '-auto-approve', '-input=false']);
  fleet.ws.write({ 'main.tf': config() });
  assert.equal(r.code, 1, r.out);
  const out = flat(r.out);
  // Protected: the deletion_protection refusal. Unprotected (default order, create_before_destroy,
  // and a prefix change): the replacement refusal, naming the database it would have dropped.
  assert.match(out, /Replacement refused.*p\.safety\.test has deletion_protection = true.*replace it \(database\.name changed\)/);
  for (const [t, db, what] of [['u', 'moodle_u', 'database.name'], ['v', 'moodle_v', 'database.name'], ['w', 'moodle_w', 'database.prefix']] as const) {
    assert.match(out, new RegExp(`Changing ${what.replace('.', '\\.')} would make Terraform replace tenant ${t}\\.safety\\.test: it would drop database ${db} before the new one exists`));
  }
  assert.doesNotMatch(out, /Host already in use/, 'no misleading host error');
  refusals.push('replace (protected)', 'replace (unprotected)', 'replace (create_before_destroy)', 'replace (prefix)');
  await allMarkersIntact();
});

test('terraform apply -replace of a protected tenant is refused before anything is dropped', async () => {
  const r = await run(['apply', '-auto-approve', '-input=false', '-replace=vmoodle_tenant.p']);
  assert.equal(r.code, 1, r.out);
  assert.match(flat(r.out), /deletion_protection = true, so Terraform may not destroy it/);
  refusals.push('-replace (protected)');
  await allMarkersIntact();
  const rows = await registryRows(fleet.admin);
  assert.deepEqual(rows.map((x) => `${x.host} ${x.state}`), ['p.safety.test active', 'u.safety.test active', 'v.safety.test active', 'w.safety.test active']);
});

test('the server log proves it: no DROP DATABASE ran, and no replacement database was created', async () => {
  assert.deepEqual(await ddlSeen(), []);
});

test('a deliberate destroy of an unprotected tenant is the one place a database is dropped', async () => {
  const r = await run(['apply', '-destroy', '-auto-approve', '-input=false', '-target=vmoodle_tenant.u']);
  assert.equal(r.code, 0, r.out);
  const ddl = await ddlSeen();
  assert.equal(ddl.length, 1, ddl.join('\n'));
  assert.match(ddl[0]!, /^DROP DATABASE .*`moodle_u`/);
  assert.equal(await marker('moodle_u'), null);
  for (const db of ['moodle_p', 'moodle_v', 'moodle_w']) assert.equal(await marker(db), `data of ${db}`);
});

test("a tenant cannot take over another tenant's database user", async () => {
  const v = (await registryRows(fleet.admin)).find((x) => x.host === `v.${D}`)!;
  fleet.ws.write({
    'main.tf': config({
      extra: `
resource "vmoodle_tenant" "x" {
  host                = "x.${D}"
  name                = "Names the user of v"
  shortname           = "x"
  database            = { name = "moodle_x", user = "moodle_v" }
  deletion_protection = false
}
`,
    }),
  });
  const r = await run(['apply', '-auto-approve', '-input=false']);
  fleet.ws.write({ 'main.tf': config() });
  assert.equal(r.code, 1, r.out);
  assert.match(flat(r.out), /Database user already in use.*moodle_v@% .*belongs to tenant v\.safety\.test/);
  refusals.push('shared database user');
  // v's user kept its password and was granted nothing new; nothing of x was left behind.
  const { createConnection } = await import('mysql2/promise');
  const conn = await createConnection({ host: '127.0.0.1', port: fleet.server.port, user: v.dbuser, password: v.dbpass, database: v.dbname });
  await conn.end();
  const [grants] = await fleet.admin.query("SHOW GRANTS FOR 'moodle_v'@'%'");
  assert.doesNotMatch(JSON.stringify(grants), /moodle_x/);
  assert.equal((await registryRows(fleet.admin)).some((x) => x.host === `x.${D}`), false);
  const [dbs] = await fleet.admin.query("SHOW DATABASES LIKE 'moodle_x'");
  assert.deepEqual(dbs, []);
});

test('secrets: no password in plan/apply output, trace logs or error messages', async () => {
  const rows = await registryRows(fleet.admin);
  const secrets = [U_PASSWORD, W_PASSWORD, fleet.server.adminPassword, ...rows.map((x) => x.dbpass)];
  const leaks = transcript.leaks(secrets);
  summary('destroy-safety', { refusalsTested: refusals.length, paths: refusals.join(','), databasesDroppedByRefusedPaths: 0, dropsOutsideDeliberateDestroy: 0 });
  summary('destroy-safety-secrets', { texts: transcript.texts.length, bytes: transcript.bytes, secretsChecked: secrets.length, leaks: leaks.length });
  assert.deepEqual(leaks, []);
  // The refusals above went through the error path: their messages are part of what was scanned.
  assert.ok(transcript.texts.some((t) => t.text.includes('Replacement refused')));
});
