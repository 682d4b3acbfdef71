// terraform killed with SIGKILL in the middle of creating 20 tenants: the next apply must converge
// with every database, user, folder and registry row accounted for, and nothing orphaned.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { startFleet, databases, users, registryRows, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK } from '../helpers/terraform';
import { moodleFixturePath } from '../helpers/mariadb';

let fleet: Fleet;
const COUNT = 20;
const names = Array.from({ length: COUNT }, (_, i) => `school${String(i + 1).padStart(2, '0')}`);

function config(): string {
  return (
    PROVIDER_BLOCK +
    `
locals {
  schools = toset(${JSON.stringify(names)})
}
resource "vmoodle_tenant" "school" {
  for_each            = local.schools
  host                = "\${each.key}.example.org"
  name                = "School \${each.key}"
  shortname           = each.key
  database            = { name = "moodle_\${each.key}" }
  template            = "${moodleFixturePath()}"
  deletion_protection = false
}
`
  );
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

before(async () => {
  fleet = await startFleet();
  fleet.ws.write({ 'main.tf': config() });
  await fleet.ws.ok(['init', '-input=false', '-no-color']);
});

after(async () => {
  await fleet?.stop();
});

test('kill -9 of terraform mid-apply, then apply again: converges, nothing orphaned', async () => {
  const child = fleet.ws.start(['apply', '-auto-approve', '-input=false', '-no-color', '-parallelism=10']);
  child.stdout!.resume();
  child.stderr!.resume();
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // Kill while some tenants are done and others are half-way (rows still "creating").
  await waitFor(async () => (await registryRows(fleet.admin)).filter((r) => r.state === 'active').length >= 3, 120_000);
  child.kill('SIGKILL');
  await exited;
  const atKill = await registryRows(fleet.admin);
  assert.ok(atKill.length < COUNT || atKill.some((r) => r.state !== 'active'), 'the kill landed before the apply finished');

  const again = await fleet.ws.tf(['apply', '-auto-approve', '-input=false', '-no-color'], { timeoutMs: 300_000 });
  assert.equal(again.code, 0, again.stdout + again.stderr);

  const expected = names.map((n) => `moodle_${n}`).sort();
  assert.deepEqual(await databases(fleet.admin), expected);
  assert.deepEqual(await users(fleet.admin), expected.map((n) => `${n}@%`));
  const rows = await registryRows(fleet.admin);
  assert.equal(rows.length, COUNT);
  assert.ok(rows.every((r) => r.state === 'active'));
  assert.deepEqual(readdirSync(fleet.datarootBase).sort(), [...names].sort());
  // Every tenant's template was loaded completely and adapted to its host.
  for (const n of names) {
    const [rowsCfg] = await fleet.admin.query(`SELECT COUNT(*) AS c FROM moodle_${n}.mdl_config`);
    assert.equal(Number((rowsCfg as Array<{ c: number }>)[0]!.c), 48, n);
    const [local] = await fleet.admin.query(`SELECT wwwroot FROM moodle_${n}.mdl_mnet_host WHERE id = 1`);
    assert.equal((local as Array<{ wwwroot: string }>)[0]!.wwwroot, `https://${n}.example.org`);
  }

  const plan = await fleet.ws.tf(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);

  const destroyed = await fleet.ws.tf(['destroy', '-auto-approve', '-input=false', '-no-color']);
  assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
  assert.deepEqual(await databases(fleet.admin), []);
  assert.deepEqual(await users(fleet.admin), []);
  assert.deepEqual(await registryRows(fleet.admin), []);
  assert.deepEqual(readdirSync(fleet.datarootBase), []);
});
