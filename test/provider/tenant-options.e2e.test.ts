// vmoodle_tenant options beyond the basic lifecycle, through the real terraform: write-only
// passwords kept out of state and rotated by version, duplicate hosts refused at plan time, the
// tenant data sources, disabling a tenant and forced config reaching the registry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { startFleet, registryRows, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK } from '../helpers/terraform';

let fleet: Fleet;

function config(opts: { password: string; version: number; enabled?: boolean }): string {
  return (
    PROVIDER_BLOCK +
    `
variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "vmoodle_tenant" "secretive" {
  host      = "secretive.example.edu"
  name      = "Secretive"
  shortname = "secretive"
  database = {
    name                = "moodle_secretive"
    password_wo         = var.db_password
    password_wo_version = ${opts.version}
  }
  enabled             = ${opts.enabled ?? true}
  config              = { theme = "boost", forcelogin = "1" }
  deletion_protection = false
}

resource "vmoodle_tenant" "plain" {
  host                = "plain.example.org"
  name                = "Plain"
  shortname           = "plain"
  database            = { name = "moodle_plain", user = "plain_user" }
  https               = false
  deletion_protection = false
}

data "vmoodle_tenant" "one" {
  host       = vmoodle_tenant.plain.host
  depends_on = [vmoodle_tenant.plain]
}

data "vmoodle_tenants" "edu" {
  host_suffix = ".example.edu"
  depends_on  = [vmoodle_tenant.secretive, vmoodle_tenant.plain]
}

output "one_wwwroot" { value = data.vmoodle_tenant.one.wwwroot }
output "one_user"    { value = data.vmoodle_tenant.one.database_user }
output "edu_hosts"   { value = [for t in data.vmoodle_tenants.edu.tenants : t.host] }
`
  );
}

async function apply(vars: { password: string; version: number; enabled?: boolean }): Promise<string> {
  fleet.ws.write({ 'main.tf': config(vars) });
  const r = await fleet.ws.ok(['apply', '-auto-approve', '-input=false', '-no-color', `-var=db_password=${vars.password}`]);
  return r.stdout + r.stderr;
}

async function canLogIn(user: string, password: string, database: string): Promise<boolean> {
  try {
    const conn = await createConnection({ host: '127.0.0.1', port: fleet.server.port, user, password, database });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

before(async () => {
  fleet = await startFleet();
  fleet.ws.write({ 'main.tf': config({ password: 'x', version: 1 }) });
  await fleet.ws.ok(['init', '-input=false', '-no-color']);
});

after(async () => {
  await fleet?.stop();
});

test('a write-only password never reaches state and rotates when its version changes', async () => {
  const first = 'Wo-Secret-0001-abcdef';
  const out = await apply({ password: first, version: 1 });
  const state = readFileSync(join(fleet.ws.dir, 'terraform.tfstate'), 'utf8');
  assert.equal(state.includes(first), false, 'the write-only password is in the state file');
  assert.equal(out.includes(first), false);
  assert.ok(await canLogIn('moodle_secretive', first, 'moodle_secretive'));
  const row = (await registryRows(fleet.admin)).find((r) => r.host === 'secretive.example.edu')!;
  assert.equal(row.dbpass, first, 'the registry serves the write-only password to the sidecar');

  // Same version: a different value is not applied (write-only values are not compared).
  const plan = await fleet.ws.tf(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-var=db_password=ignored-value-123']);
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);

  const second = 'Wo-Secret-0002-ghijkl';
  await apply({ password: second, version: 2 });
  assert.ok(await canLogIn('moodle_secretive', second, 'moodle_secretive'));
  assert.equal(await canLogIn('moodle_secretive', first, 'moodle_secretive'), false);
  assert.equal(readFileSync(join(fleet.ws.dir, 'terraform.tfstate'), 'utf8').includes(second), false);
});

test('data sources read tenants back from the registry, without secrets', async () => {
  const r = await fleet.ws.ok(['output', '-json', '-no-color']);
  const outputs = JSON.parse(r.stdout) as Record<string, { value: unknown }>;
  assert.equal(outputs.one_wwwroot!.value, 'http://plain.example.org');
  assert.equal(outputs.one_user!.value, 'plain_user');
  assert.deepEqual(outputs.edu_hosts!.value, ['secretive.example.edu']);
});

test('disabling a tenant and its forced config land in the registry', async () => {
  await apply({ password: 'Wo-Secret-0002-ghijkl', version: 2, enabled: false });
  const [rows] = await fleet.admin.query("SELECT enabled, config FROM vmoodle_registry.vmoodle_tenant WHERE host = 'secretive.example.edu'");
  const row = (rows as Array<{ enabled: number; config: string | Record<string, string> }>)[0]!;
  assert.equal(row.enabled, 0);
  const cfg = typeof row.config === 'string' ? (JSON.parse(row.config) as Record<string, string>) : row.config;
  assert.deepEqual(cfg, { theme: 'boost', forcelogin: '1' });
  const plan = await fleet.ws.tf(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-var=db_password=Wo-Secret-0002-ghijkl']);
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
});

test('two tenants with one host are refused at plan time, naming the attribute', async () => {
  fleet.ws.write({
    'dup.tf': `
resource "vmoodle_tenant" "twin" {
  host      = "twin.example.edu"
  name      = "Twin"
  shortname = "twin"
  database  = { name = "moodle_twin" }
}
resource "vmoodle_tenant" "twin2" {
  host      = "twin.example.edu"
  name      = "Twin 2"
  shortname = "twin2"
  database  = { name = "moodle_twin2" }
}
resource "vmoodle_tenant" "clash" {
  host      = "plain.example.org"
  name      = "Clash"
  shortname = "clash"
  database  = { name = "moodle_clash" }
}
`,
  });
  const plan = await fleet.ws.tf(['plan', '-input=false', '-no-color', '-var=db_password=Wo-Secret-0002-ghijkl']);
  fleet.ws.write({ 'dup.tf': '' });
  assert.equal(plan.code, 1, plan.stdout + plan.stderr);
  assert.match(plan.stderr, /Host already in use/);
  assert.match(plan.stderr, /twin\.example\.edu is also the host of tenant default\/moodle_twin/);
  assert.match(plan.stderr, /plain\.example\.org is already served by tenant default\/moodle_plain/);
  assert.match(plan.stderr, /host\s+= "plain\.example\.org"/);
});
