// Database calls that never end, through the real terraform: the tenant's database server stalls
// mid-create (a proxy in front of it stops forwarding after the connections are set up), and a
// destroy finds the tenant's database locked by an open transaction (as a Moodle web node holds
// one). Before statement_timeout_seconds both hung `terraform apply` for good (MariaDB waits up to
// a year for a metadata lock). Now each apply fails by itself within the bound, with an error that
// names the server, the tenant and the fix; and the next apply converges with nothing left over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { startMariaDb, stopMariaDb, type MariaDbServer } from '../../lib/mariadb-server';
import { createWorkspace, type Workspace } from '../helpers/terraform';
import { registryRows, REGISTRY_DB } from '../helpers/fleet';
import { FaultProxy } from './fault-proxy';
import { expectedInventory, faultDuring, inventory, reapProviders, running, slowTemplate, startTf, Transcript, type ExpectedTenant } from './provider-kit';
import { summary } from './summary';

const STATEMENT_TIMEOUT = 2;
const CONNECT_TIMEOUT = 3;
// What the provider waits for an answer before it gives up on a server (provider/mysql/bounds.ts).
const NO_ANSWER_SECONDS = STATEMENT_TIMEOUT + 5;
/** Far above the bounds, far below "hangs": an apply that is not over by then hung. */
const HANG_MS = 60_000;
const TEMPLATE_ROWS = 30_000;

let tmp: string;
let server: MariaDbServer;
let admin: Connection;
let proxy: FaultProxy;
let ws: Workspace;
let datarootBase: string;
let template: string;
const transcript = new Transcript();
const figures: Record<string, number> = {};
/** Passwords that must never show up: the admin's, and the tenant's once it has one. */
const secrets: string[] = [];

interface Tenant extends ExpectedTenant {
  key: string;
}

const site: Tenant = { key: 's1', host: 's1.timeouts.test', dbname: 'moodle_s1', shortname: 's1' };

function hcl(tenants: readonly Tenant[]): string {
  return `terraform {
  required_providers {
    vmoodle = { source = "vmoodle/vmoodle", version = "~> 0.1" }
  }
}
provider "vmoodle" {
  statement_timeout_seconds = ${STATEMENT_TIMEOUT}
  connect_timeout_seconds   = ${CONNECT_TIMEOUT}
}
${tenants
  .map(
    (t) => `
resource "vmoodle_tenant" "${t.key}" {
  host                = "${t.host}"
  name                = "Site ${t.key}"
  shortname           = "${t.shortname}"
  database            = { name = "${t.dbname}" }
  template            = "${template}"
  deletion_protection = false
}
`,
  )
  .join('')}`;
}

const apply = ['apply', '-auto-approve', '-input=false'];

async function converge(tenants: readonly Tenant[]): Promise<void> {
  ws.write({ 'main.tf': hcl(tenants) });
  const r = await transcript.run(ws, apply, { timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(await inventory(admin, datarootBase), expectedInventory(tenants));
  const plan = await transcript.run(ws, ['plan', '-detailed-exitcode', '-input=false']);
  assert.equal(plan.code, 0, plan.out);
  assert.equal(await reapProviders(ws), 0, 'every provider process exited by itself');
}

/** The error text as Terraform prints it, on one line (it wraps long diagnostics). */
function flat(out: string): string {
  return out.replace(/│/g, ' ').replace(/\s+/g, ' ');
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vmoodle-hard-timeouts-'));
  server = await startMariaDb({ dir: join(tmp, 'db') });
  admin = await createConnection({ host: '127.0.0.1', port: server.port, user: server.adminUser, password: server.adminPassword, supportBigNumbers: true });
  admin.on('error', () => undefined);
  secrets.push(server.adminPassword);
  await admin.query(`CREATE DATABASE IF NOT EXISTS ${REGISTRY_DB}`);
  // The tenant server is reached through the proxy, the registry directly: the tenant server can
  // stall while the registry keeps answering (what the provider records must stay right).
  proxy = await FaultProxy.start(server.port);
  datarootBase = join(tmp, 'sites');
  mkdirSync(datarootBase);
  const user = encodeURIComponent(server.adminUser);
  const pass = encodeURIComponent(server.adminPassword);
  ws = createWorkspace({
    VMOODLE_REGISTRY: `${server.adminDsn}${REGISTRY_DB}`,
    VMOODLE_SERVER_DEFAULT: `mysql://${user}:${pass}@127.0.0.1:${proxy.port}/`,
    VMOODLE_DATAROOT_BASE: datarootBase,
  });
  template = slowTemplate(tmp, TEMPLATE_ROWS);
  ws.write({ 'main.tf': hcl([]) });
  const init = await transcript.run(ws, ['init', '-input=false']);
  assert.equal(init.code, 0, init.out);
});

after(async () => {
  proxy?.setMode({ kind: 'pass' });
  if (ws) await reapProviders(ws, 10_000);
  await admin?.end().catch(() => undefined);
  await proxy?.close();
  if (server) await stopMariaDb(server, { remove: true });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the tenant server stalls mid-create: the apply fails within the bound, names server, tenant and fix; the next apply converges', async () => {
  ws.write({ 'main.tf': hcl([site]) });
  let stalledAt = 0;
  let watchdog: NodeJS.Timeout | undefined;
  // Once the template is loading, every connection to the tenant server is set up and in use.
  const loading = async (): Promise<boolean> =>
    (await registryRows(admin)).some((r) => r.dbname === site.dbname && r.state === 'creating') && (await running(admin, 'INSERT INTO `mdl_hardening_page`%'));
  const { landed, result } = await faultDuring(ws, transcript, apply, loading, async (tf) => {
    proxy.setMode({ kind: 'stall' });
    stalledAt = Date.now();
    watchdog = setTimeout(() => tf.child.kill('SIGKILL'), HANG_MS);
  });
  clearTimeout(watchdog);
  const failedAfter = Date.now() - stalledAt;
  proxy.setMode({ kind: 'pass' });
  const out = result.stdout + result.stderr;
  assert.ok(landed, `the stall landed before the apply finished: ${out.slice(-600)}`);
  assert.equal(result.signal, null, `terraform ended by itself after the stall, it did not hang: ${out.slice(-600)}`);
  assert.equal(result.code, 1, out);
  assert.ok(failedAfter < NO_ANSWER_SECONDS * 1000 + 25_000, `failed ${failedAfter} ms after the stall`);
  figures.stallToFailureMs = failedAfter;

  const text = flat(out);
  assert.match(text, /Database server "default" did not answer in time/);
  assert.match(text, new RegExp(`Creating tenant ${site.host.replace(/\./g, '\\.')}: step "[a-z ]+" failed: .*database server "default" did not answer: timed out after ${NO_ANSWER_SECONDS} s`));
  assert.match(text, /raise statement_timeout_seconds in the provider block/);
  // Nothing was undone on the server that did not answer, so the row stays for the next apply.
  assert.match(text, /Its registry row stays in state "creating"/);
  assert.doesNotMatch(out, new RegExp(server.adminPassword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

  const rows = await registryRows(admin);
  assert.deepEqual(rows.map((r) => `${r.host} ${r.state}`), [`${site.host} creating`]);

  await converge([site]);
  secrets.push(...(await registryRows(admin)).map((r) => r.dbpass));
  const [pages] = await admin.query(`SELECT COUNT(*) AS n FROM ${site.dbname}.mdl_hardening_page`);
  assert.equal(Number((pages as Array<{ n: number }>)[0]!.n), TEMPLATE_ROWS, 'the template was loaded whole by the resumed create');
});

test('a destroy meets a metadata lock held by an open transaction: it gives up after the bound, the tenant stays consistent, and the next apply finishes it', async () => {
  const [before] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [site.dbname]);
  const tables = Number((before as Array<{ n: number }>)[0]!.n);
  // A Moodle web node in the middle of a request: a transaction that has read a table holds a
  // metadata lock on it until it ends, and DROP DATABASE must wait for it.
  const webNode = await createConnection({ host: '127.0.0.1', port: server.port, user: server.adminUser, password: server.adminPassword });
  webNode.on('error', () => undefined);
  try {
    await webNode.query('START TRANSACTION');
    await webNode.query(`SELECT COUNT(*) FROM ${site.dbname}.mdl_config`);

    ws.write({ 'main.tf': hcl([]) });
    const started = Date.now();
    const tf = startTf(ws, transcript, apply);
    const watchdog = setTimeout(() => tf.child.kill('SIGKILL'), HANG_MS);
    const result = await tf.done;
    clearTimeout(watchdog);
    const took = Date.now() - started;
    const out = result.stdout + result.stderr;
    assert.equal(result.signal, null, `terraform ended by itself, it did not wait for the lock: ${out.slice(-600)}`);
    assert.equal(result.code, 1, out);
    figures.lockedDestroyMs = took;

    const text = flat(out);
    assert.match(text, /Lock wait timed out on database server "default"/);
    assert.match(text, new RegExp(`Destroying tenant ${site.host.replace(/\./g, '\\.')}: DROP DATABASE ${site.dbname}: database server "default" gave up waiting for a lock held by another session: timed out after ${STATEMENT_TIMEOUT} s`));
    assert.match(text, /the next apply finishes the destroy/);
    assert.match(text, /SHOW PROCESSLIST/);
    assert.match(text, /statement_timeout_seconds/);

    // Consistent: the database whole, the user and folder there, the row marked, Terraform still
    // tracking the tenant; and the web node's transaction was not disturbed.
    const [after] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [site.dbname]);
    assert.equal(Number((after as Array<{ n: number }>)[0]!.n), tables);
    const inv = await inventory(admin, datarootBase);
    assert.deepEqual(inv.databases, [site.dbname]);
    assert.deepEqual(inv.users, [`${site.dbname}@%`]);
    assert.deepEqual(inv.rows, [`${site.host} deleting ${site.dbname}`]);
    assert.deepEqual(inv.folders, [site.shortname]);
    const state = await transcript.run(ws, ['state', 'list']);
    assert.match(state.out, /vmoodle_tenant\.s1/);
    await webNode.query(`SELECT COUNT(*) FROM ${site.dbname}.mdl_config`);
    await webNode.query('COMMIT');
  } finally {
    await webNode.end().catch(() => undefined);
  }

  await converge([]);
  assert.equal(existsSync(join(datarootBase, site.shortname)), false);
});

test('secrets: no password in any terraform output or trace log', async () => {
  const leaks = transcript.leaks(secrets);
  summary('provider-timeouts', {
    statementTimeoutSeconds: STATEMENT_TIMEOUT,
    stallToFailureMs: figures.stallToFailureMs ?? -1,
    lockedDestroyMs: figures.lockedDestroyMs ?? -1,
    texts: transcript.texts.length,
    secretsChecked: secrets.length,
    leaks: leaks.length,
  });
  assert.deepEqual(leaks, []);
});
