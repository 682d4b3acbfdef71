// The provider through the real terraform while things break: a database created by hand before
// the apply, terraform killed -9 mid-create and mid-domain-switch/destroy, the registry unreachable
// mid-apply (a proxy in front of it resets every connection), and the database server killed -9
// mid-apply. Afterwards an apply converges and an exact inventory accounts for every database,
// user, registry row and data folder: nothing orphaned, nothing lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { startMariaDb, stopMariaDb, killMariaDb, type MariaDbServer } from '../../lib/mariadb-server';
import { createWorkspace, PROVIDER_BLOCK, type Workspace } from '../helpers/terraform';
import { registryRows, REGISTRY_DB } from '../helpers/fleet';
import { FaultProxy } from './fault-proxy';
import { expectedInventory, faultDuring, inventory, reapProviders, running, slowTemplate, Transcript, type ExpectedTenant } from './provider-kit';
import { profile } from './profile';
import { summary } from './summary';

const D = 'faults.test';

interface Tenant extends ExpectedTenant {
  key: string;
  slow?: boolean;
  adopt?: boolean;
}

let dbDir: string;
let server: MariaDbServer;
let admin: Connection;
let proxy: FaultProxy;
let ws: Workspace;
let datarootBase: string;
let template: string;
let tmp: string;
const transcript = new Transcript();
const faults: Array<{ fault: string; landed: boolean; observed: string }> = [];
let converged = 0;
const accounting = { checks: 0, orphaned: 0, lost: 0 };

/** The configuration, as a list that tests add to and change. */
let fleet: Tenant[] = [];

function tenant(key: string, extra: Partial<Tenant> = {}): Tenant {
  return { key, host: `${key}.${D}`, dbname: `moodle_${key}`, shortname: key, ...extra };
}

function hcl(list: readonly Tenant[]): string {
  return (
    PROVIDER_BLOCK +
    list
      .map(
        (t) => `
resource "vmoodle_tenant" "${t.key}" {
  host                = "${t.host}"
  name                = "Site ${t.key}"
  shortname           = "${t.shortname}"
  database            = { name = "${t.dbname}" }
  deletion_protection = false
${t.slow ? `  template            = "${template}"\n` : ''}${t.adopt ? '  adopt_existing_database = true\n' : ''}}
`,
      )
      .join('')
  );
}

function write(): void {
  ws.write({ 'main.tf': hcl(fleet) });
}

async function connectAdmin(): Promise<Connection> {
  const c = await createConnection({ host: '127.0.0.1', port: server.port, user: server.adminUser, password: server.adminPassword, supportBigNumbers: true });
  c.on('error', () => undefined);
  return c;
}

const apply = ['apply', '-auto-approve', '-input=false', '-parallelism=10'];

/** What the registry holds right now, in one line for the figures. */
async function observed(): Promise<string> {
  const rows = await registryRows(admin).catch(() => []);
  const by: Record<string, number> = {};
  for (const r of rows) by[r.state] = (by[r.state] ?? 0) + 1;
  return Object.entries(by).map(([s, n]) => `${n} ${s}`).join(', ') || 'no rows';
}

/** A new tenant of this batch has its row and its database, and its template is loading. */
function midCreate(batch: readonly string[]): () => Promise<boolean> {
  return async () => {
    const rows = await registryRows(admin);
    const creating = rows.some((r) => r.state === 'creating' && batch.some((k) => r.dbname === `moodle_${k}`));
    return creating && (await running(admin, 'INSERT INTO `mdl_hardening_page`%'));
  };
}

/** An apply that must converge, and the exact inventory after it. */
async function converge(): Promise<void> {
  const r = await transcript.run(ws, apply);
  assert.equal(r.code, 0, r.out);
  converged++;
  const actual = await inventory(admin, datarootBase);
  const want = expectedInventory(fleet);
  // Orphaned: exists but no tenant wants it; lost: a tenant wants it but it is not there.
  for (const k of ['databases', 'users', 'rows', 'folders'] as const) {
    accounting.orphaned += actual[k].filter((x) => !want[k].includes(x)).length;
    accounting.lost += want[k].filter((x) => !actual[k].includes(x)).length;
  }
  accounting.checks++;
  assert.deepEqual(actual, want);
  assert.equal(await reapProviders(ws), 0, 'every provider process exited by itself');
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vmoodle-hard-faults-'));
  dbDir = join(tmp, 'db');
  server = await startMariaDb({ dir: dbDir });
  admin = await connectAdmin();
  await admin.query(`CREATE DATABASE IF NOT EXISTS ${REGISTRY_DB}`);
  // The registry is reached through the proxy, the tenant databases directly: the proxy can take
  // the registry away while the tenant server stays up.
  proxy = await FaultProxy.start(server.port);
  datarootBase = join(tmp, 'sites');
  mkdirSync(datarootBase);
  const user = encodeURIComponent(server.adminUser);
  const pass = encodeURIComponent(server.adminPassword);
  ws = createWorkspace({
    VMOODLE_REGISTRY: `mysql://${user}:${pass}@127.0.0.1:${proxy.port}/${REGISTRY_DB}`,
    VMOODLE_SERVER_DEFAULT: server.adminDsn,
    VMOODLE_DATAROOT_BASE: datarootBase,
  });
  template = slowTemplate(tmp, profile.templateRows);
  fleet = [];
  write();
  const init = await transcript.run(ws, ['init', '-input=false']);
  assert.equal(init.code, 0, init.out);
});

after(async () => {
  if (ws) await reapProviders(ws, 10_000);
  await admin?.end().catch(() => undefined);
  await proxy?.close();
  if (server) await stopMariaDb(server, { remove: true });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('a database created by hand before the apply is refused, untouched, and adopted only when asked', async () => {
  await admin.query('CREATE DATABASE moodle_handmade');
  await admin.query('CREATE TABLE moodle_handmade.precious (id INT PRIMARY KEY, note VARCHAR(100))');
  await admin.query("INSERT INTO moodle_handmade.precious VALUES (1, 'made by hand, must survive')");
  const base = Array.from({ length: profile.providerTenants }, (_, i) => tenant(`b${i + 1}`));
  fleet = [...base, tenant('c1', { slow: true }), tenant('c2', { slow: true }), tenant('c3', { slow: true }), tenant('handmade')];
  write();
  const r = await transcript.run(ws, apply);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /Database already exists/);
  assert.match(r.out, /not managed by vmoodle/);
  assert.match(r.out, /adopt_existing_database = true/);
  faults.push({ fault: 'database created by hand', landed: true, observed: 'refused at create' });

  // Refused whole: no row, no user, no folder for it; the database and its data as they were.
  const inv = await inventory(admin, datarootBase);
  assert.deepEqual(inv, expectedInventory(fleet.filter((t) => t.key !== 'handmade'), { databases: ['moodle_handmade'] }));
  const [rows] = await admin.query('SELECT note FROM moodle_handmade.precious');
  assert.deepEqual(rows, [{ note: 'made by hand, must survive' }]);

  fleet = fleet.map((t) => (t.key === 'handmade' ? { ...t, adopt: true } : t));
  write();
  if (!profile.chainFaults) await converge();
});

for (let round = 1; round <= profile.killRounds; round++) {
  const r = profile.killRounds > 1 ? ` (round ${round})` : '';

  test(`terraform killed -9 mid-create, while templates load${r}`, async () => {
    const batch = [`k${round}a`, `k${round}b`];
    fleet = [...fleet, ...batch.map((k) => tenant(k, { slow: true }))];
    write();
    const { landed, result } = await faultDuring(ws, transcript, apply, midCreate(batch), async (tf) => {
      faults.push({ fault: 'terraform kill -9 mid-create', landed: true, observed: await observed() });
      tf.child.kill('SIGKILL');
    });
    assert.ok(landed, `the kill landed before the apply finished: ${result.stdout.slice(-400)}`);
    assert.equal(result.signal, 'SIGKILL');
    if (!profile.chainFaults) await converge();
  });

  test(`terraform killed -9 mid-domain-switch, while links are rewritten${r}`, async () => {
    // Two templated tenants change host: their content links are rewritten, row by row.
    const movers = round === 1 ? ['c1', 'c2'] : [`k${round - 1}a`];
    fleet = fleet.map((t) => (movers.includes(t.key) ? { ...t, host: `${t.key}-moved${round}.${D}` } : t));
    write();
    // The links of a moving tenant (not those of a template being adapted at create: the database
    // name tells them apart).
    let point = '';
    const when = async (): Promise<boolean> => {
      for (const m of movers) {
        if (await running(admin, `UPDATE \`moodle_${m}\`.\`mdl_hardening_page\`%`)) {
          point = `rewriting the links of ${m}`;
          return true;
        }
      }
      return false;
    };
    const { landed, result } = await faultDuring(ws, transcript, apply, when, async (tf) => {
      faults.push({ fault: 'terraform kill -9 mid-domain-switch', landed: true, observed: `${point}; ${await observed()}` });
      tf.child.kill('SIGKILL');
    });
    assert.ok(landed, `the kill landed before the apply finished: ${result.stdout.slice(-400)}`);
    if (!profile.chainFaults) await converge();
  });

  test(`terraform killed -9 mid-destroy${r}`, async () => {
    // A templated tenant Terraform has in state for sure: one from the first, completed apply, or
    // (soak, where every fault is followed by a converging apply) one from an earlier round.
    const leaving = fleet.find((t) => t.key === (round === 1 ? 'c3' : `k${round - 1}b`));
    assert.ok(leaving, 'a templated tenant to remove');
    fleet = fleet.filter((t) => t !== leaving);
    write();
    const when = async (): Promise<boolean> => (await registryRows(admin)).some((x) => x.dbname === leaving.dbname && x.state === 'deleting');
    const { landed, result } = await faultDuring(ws, transcript, apply, when, async (tf) => {
      faults.push({ fault: 'terraform kill -9 mid-destroy', landed: true, observed: `destroying ${leaving.key}; ${await observed()}` });
      tf.child.kill('SIGKILL');
    });
    assert.ok(landed, `the kill landed before the apply finished: ${result.stdout.slice(-400)}`);
    if (!profile.chainFaults) await converge();
  });
}

test('registry unreachable mid-apply (every connection to it reset)', async () => {
  const batch = ['r1', 'r2'];
  fleet = [...fleet, ...batch.map((k) => tenant(k, { slow: true }))];
  write();
  const { landed, result } = await faultDuring(ws, transcript, apply, midCreate(batch), async () => {
    faults.push({ fault: 'registry unreachable mid-apply', landed: true, observed: await observed() });
    proxy.setMode({ kind: 'cut' });
  });
  proxy.setMode({ kind: 'pass' });
  assert.ok(landed, 'the cut landed before the apply finished');
  assert.notEqual(result.code, 0, 'the apply reports the failure');
  assert.equal(result.signal, null, 'terraform ended by itself, it did not hang');
  if (!profile.chainFaults) await converge();
});

test('database server killed -9 mid-apply, then restarted', async () => {
  const batch = ['m1', 'm2'];
  fleet = [...fleet, ...batch.map((k) => tenant(k, { slow: true }))];
  write();
  const { landed, result } = await faultDuring(ws, transcript, apply, midCreate(batch), async () => {
    faults.push({ fault: 'database server kill -9 mid-apply', landed: true, observed: await observed() });
    await killMariaDb(server);
  });
  assert.ok(landed, 'the kill landed before the apply finished');
  assert.notEqual(result.code, 0);
  assert.equal(result.signal, null, 'terraform ended by itself, it did not hang');
  await admin.end().catch(() => undefined);
  server = await startMariaDb({ dir: dbDir, port: server.port });
  admin = await connectAdmin();
  if (!profile.chainFaults) await converge();
});

test('the next apply converges: every database, user, row and folder accounted for, no change planned', async () => {
  await converge();
  // The hand-made database was adopted with its data; the interrupted domain switches finished.
  const [precious] = await admin.query('SELECT note FROM moodle_handmade.precious');
  assert.deepEqual(precious, [{ note: 'made by hand, must survive' }]);
  for (const t of fleet.filter((x) => x.slow && x.host.includes('-moved'))) {
    const [stale] = await admin.query(`SELECT COUNT(*) AS n FROM ${t.dbname}.mdl_hardening_page WHERE content LIKE '%://${t.key}.${D}/%' OR content LIKE '%://moodle.example.test/%'`);
    assert.equal(Number((stale as Array<{ n: number }>)[0]!.n), 0, `${t.key}: every link rewritten to its new host`);
    const [local] = await admin.query(`SELECT wwwroot FROM ${t.dbname}.mdl_mnet_host WHERE id = 1`);
    assert.deepEqual(local, [{ wwwroot: `https://${t.host}` }]);
  }
  const plan = await transcript.run(ws, ['plan', '-detailed-exitcode', '-input=false']);
  assert.equal(plan.code, 0, plan.out);
});

test('an interrupted destroy is finished by the next apply: gone if it left the configuration, rebuilt if it is back', async () => {
  const plain = fleet.filter((t) => !t.slow && t.key !== 'handmade');
  assert.ok(plain.length >= 2, 'two plain tenants left');
  const back = plain[0]!;
  const gone = plain[1]!;
  // What a destroy killed after its DROP DATABASE leaves (the kill above lands there only sometimes):
  // the row marked 'deleting', the database gone; for `gone`, its user too.
  await admin.query(`UPDATE ${REGISTRY_DB}.vmoodle_tenant SET state = 'deleting' WHERE dbname IN (?, ?)`, [back.dbname, gone.dbname]);
  await admin.query(`DROP DATABASE ${back.dbname}`);
  await admin.query(`DROP DATABASE ${gone.dbname}`);
  await admin.query(`DROP USER '${gone.dbname}'@'%'`);
  fleet = fleet.filter((t) => t !== gone);
  write();
  faults.push({ fault: 'destroy interrupted after DROP DATABASE', landed: true, observed: `${back.key} still configured, ${gone.key} removed` });
  await converge();
  const plan = await transcript.run(ws, ['plan', '-detailed-exitcode', '-input=false']);
  assert.equal(plan.code, 0, plan.out);
});

test('secrets: no password in any terraform output, trace log or error message', async () => {
  const rows = await registryRows(admin);
  const secrets = [...rows.map((r) => r.dbpass), server.adminPassword];
  const leaks = transcript.leaks(secrets);
  const inv = await inventory(admin, datarootBase);
  summary('provider-faults', {
    faults: faults.length,
    landed: faults.filter((f) => f.landed).length,
    tried: faults.map((f) => f.fault).join(','),
    convergingApplies: converged,
    tenants: fleet.length,
    databases: inv.databases.length,
    users: inv.users.length,
    registryRows: inv.rows.length,
    folders: inv.folders.length,
    inventories: accounting.checks,
    orphaned: accounting.orphaned,
    lost: accounting.lost,
    profile: profile.name,
  });
  for (const f of faults) summary('provider-fault', { fault: f.fault, observedAtFault: f.observed });

  summary('provider-faults-secrets', { texts: transcript.texts.length, bytes: transcript.bytes, secretsChecked: secrets.length, leaks: leaks.length });
  assert.deepEqual(leaks, []);
  // The trace logs are real: they hold the provider's own lines.
  assert.ok(transcript.texts.some((t) => t.what.startsWith('trace') && t.text.includes('vmoodle')));
});
