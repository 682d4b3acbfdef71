// The real sidecar under load from a second process, while the test breaks things around it: the
// registry churning, slow (latency, a table lock), killed and restarted; the state dir read-only and
// full; the sidecar itself killed -9 and restarted, with the registry up and down. Every answer the
// load process gets is checked against the one tenant it must be. Figures per phase are printed; the
// target is zero wrong answers and zero errors for known hosts while the sidecar process is up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { startMariaDb, stopMariaDb, killMariaDb, type MariaDbServer } from '../../lib/mariadb-server';
import { loadStateFile } from '../../sidecar/state-file';
import { createRegistry, putTenants, changeRegistry, startSidecar, request, resolvePath, waitFor, type Registry, type SidecarProcess } from '../sidecar/helpers';
import { cases, D, tenants } from './sidecar-cases';
import type { ReadyResponse, ResolveResponse } from '../../generated/sidecar-types';
import { FaultProxy } from './fault-proxy';
import { LoadProcess } from './load';
import { addFigures, emptyFigures, type LoadReport } from './load-protocol';
import { fillUp, mountTmpfs, remount, unmount } from './mounts';
import { profile } from './profile';
import { figuresLine, summary } from './summary';

const POLL_MS = 200;
const TOKEN = 'hardening-token-' + 'k'.repeat(32);

let dbDir: string;
let server: MariaDbServer;
let reg: Registry;
let proxy: FaultProxy;
let stateDir: string;
let sockDir: string;
let sock: string;
let mounted: { ok: true } | { ok: false; reason: string } = { ok: false, reason: 'not tried' };
let sidecar: SidecarProcess | undefined;
let load: LoadProcess | undefined;
let report: LoadReport | undefined;
const outputs: Array<() => string> = [];
const faults: string[] = [];
const skipped: string[] = [];
const secrets: string[] = [TOKEN];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function roDsnVia(port: number): string {
  return reg.readOnlyDsn.replace(/@127\.0\.0\.1:\d+\//, `@127.0.0.1:${port}/`);
}

function startOne(): SidecarProcess {
  const sc = startSidecar(['--registry', roDsnVia(proxy.port), '--state-dir', stateDir, '--listen', `unix:${sock}`, '--poll-interval', String(POLL_MS), '--token', TOKEN]);
  outputs.push(sc.output);
  return sc;
}

const auth = { authorization: `Bearer ${TOKEN}` };
const ready = async (): Promise<ReadyResponse> => (await request({ socketPath: sock }, '/readyz')).json<ReadyResponse>();
async function waitReady(): Promise<ReadyResponse> {
  return waitFor('sidecar ready', async () => {
    const r = await request({ socketPath: sock }, '/readyz');
    return r.status === 200 ? r.json<ReadyResponse>() : undefined;
  }, 30_000);
}
async function metric(name: string): Promise<number> {
  const text = (await request({ socketPath: sock }, '/metrics', auth)).text;
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  assert.ok(line, `metric ${name}`);
  return Number(line.slice(name.length + 1));
}
async function servedGeneration(): Promise<number> {
  return (await ready()).generation ?? -1;
}
async function resolves(host: string): Promise<boolean> {
  return (await request({ socketPath: sock }, resolvePath(host), auth)).status === 200;
}
async function adminConnection(): Promise<Connection> {
  const c = await createConnection({ host: '127.0.0.1', port: server.port, user: server.adminUser, password: server.adminPassword, database: reg.database });
  c.on('error', () => undefined);
  return c;
}
async function registryGeneration(): Promise<number> {
  const [rows] = await reg.admin.query('SELECT generation FROM vmoodle_meta WHERE id = 1');
  return Number((rows as Array<{ generation: number }>)[0]!.generation);
}
async function killSidecar(): Promise<void> {
  const sc = sidecar!;
  process.kill(sc.pid, 'SIGKILL');
  await sc.exited();
}
/** The state file on disk: its generation, or null if missing/refused. */
async function stateFileGeneration(): Promise<number | null> {
  try {
    return (await loadStateFile(join(stateDir, 'snapshot.json')))?.generation ?? null;
  } catch {
    return null;
  }
}
function tempFiles(): string[] {
  return readdirSync(stateDir).filter((f) => f.endsWith('.tmp'));
}
function mapGeneration(): number | null {
  const p = join(stateDir, 'vmoodle-map.php');
  if (!existsSync(p)) return null;
  const m = /'generation'=>(\d+),/.exec(readFileSync(p, 'utf8'));
  return m ? Number(m[1]) : null;
}

before(async () => {
  dbDir = mkdtempSync(join(tmpdir(), 'vmoodle-hard-db-'));
  server = await startMariaDb({ dir: dbDir });
  reg = await createRegistry(server);
  reg.admin.on('error', () => undefined);
  const list = tenants();
  await putTenants(reg, list);
  secrets.push(...list.map((t) => t.dbpass).filter((p): p is string => typeof p === 'string'));
  secrets.push(reg.readOnlyDsn.split(':')[2]!.split('@')[0]!);
  proxy = await FaultProxy.start(server.port);

  stateDir = mkdtempSync(join(tmpdir(), 'vmoodle-hard-state-'));
  // Room for a few copies of the map and the state file, no more: the disk-full fault fills the rest.
  mounted = await mountTmpfs(stateDir, Math.max(512, Math.ceil((profile.tenants * 1600 * 4) / 1024)));
  sockDir = mkdtempSync(join(tmpdir(), 'vmoodle-hard-sock-'));
  sock = join(sockDir, 'sidecar.sock');
  sidecar = startOne();
  await waitReady();
  load = new LoadProcess({
    socketPath: sock,
    cases: cases(list),
    concurrency: profile.concurrency,
    maxRate: profile.maxRate,
    // Bounds the load process enforces on itself, well past what the sequence needs.
    maxRequests: profile.name === 'soak' ? 50_000_000 : 2_000_000,
    maxMs: profile.name === 'soak' ? 3_600_000 : 600_000,
    timeoutMs: 10_000,
    token: TOKEN,
  });
});

after(async () => {
  load?.kill();
  await sidecar?.stop();
  await proxy?.close();
  await reg?.admin.end().catch(() => undefined);
  if (server) await stopMariaDb(server, { remove: true });
  if (mounted.ok) await unmount(stateDir);
  for (const d of [stateDir, sockDir]) if (d) rmSync(d, { recursive: true, force: true });
});

for (let round = 1; round <= profile.rounds; round++) {
  // Test titles start with the round, phase names end with it (soak runs several rounds).
  const r = profile.rounds > 1 ? `#${round} ` : '';
  const p = profile.rounds > 1 ? `#${round}` : '';

  test(`${r}steady load, then registry churn: snapshots swap under load`, async () => {
    await load!.phase(`steady${p}`);
    await sleep(profile.phaseMs);
    faults.push('registry churn');
    await load!.phase(`registry-churn${p}`);
    const reloads = await metric('vmoodle_sidecar_reloads_total');
    const until = Date.now() + profile.phaseMs;
    let k = 0;
    while (Date.now() < until) {
      k++;
      if (k % 3 === 0) await changeRegistry(reg, 'DELETE FROM vmoodle_tenant WHERE id LIKE ?', ['churn-%']);
      else await putTenants(reg, [{ id: `churn-${k}`, host: `churn-${k}.${D}` }]);
      await sleep(POLL_MS / 2);
    }
    const gen = await registryGeneration();
    await waitFor('last churn served', async () => (await servedGeneration()) === gen, 15_000);
    assert.ok((await metric('vmoodle_sidecar_reloads_total')) >= reloads + 3, 'the sidecar reloaded several snapshots under load');
  });

  test(`${r}registry slow: latency on every packet, then a write lock held on its tables`, async () => {
    faults.push('registry latency', 'registry table lock');
    await load!.phase(`registry-slow${p}`);
    proxy.setMode({ kind: 'delay', ms: 300 });
    await putTenants(reg, [{ id: `slow-${round}`, host: `slow-${round}.${D}` }]);
    await sleep(profile.phaseMs);
    proxy.setMode({ kind: 'pass' });
    await waitFor('change made under latency served', () => resolves(`slow-${round}.${D}`), 20_000);

    // A session holding WRITE locks on the registry's tables: the sidecar's poll and reload block on
    // them (as behind a long migration); lookups must not notice.
    const locker = await adminConnection();
    try {
      await locker.query('LOCK TABLES vmoodle_meta WRITE, vmoodle_tenant WRITE');
      await locker.query('UPDATE vmoodle_meta SET generation = generation + 1 WHERE id = 1');
      await sleep(profile.phaseMs);
      await locker.query('UNLOCK TABLES');
    } finally {
      await locker.end().catch(() => undefined);
    }
    const gen = await registryGeneration();
    await waitFor('generation bumped under the lock served', async () => (await servedGeneration()) === gen, 20_000);
  });

  test(`${r}registry killed -9 and restarted mid-load`, async () => {
    faults.push('registry kill -9');
    await load!.phase(`registry-killed${p}`);
    await reg.admin.end().catch(() => undefined);
    await killMariaDb(server);
    await waitFor('registry seen down', async () => (await ready()).registryUp === false, 15_000);
    await sleep(profile.phaseMs);
    server = await startMariaDb({ dir: dbDir, port: server.port });
    reg.admin = await adminConnection();
    await load!.phase(`registry-restarted${p}`);
    // The poller backs off while the registry is down (up to 15 s), so allow for a long wait.
    await waitFor('registry seen up', async () => (await ready()).registryUp === true, 40_000, 100);
    await putTenants(reg, [{ id: `late-${round}`, host: `late-${round}.${D}` }]);
    await waitFor('change after the restart served', () => resolves(`late-${round}.${D}`), 15_000);
  });

  test(`${r}state dir read-only: serving goes on, files catch up when it is writable again`, async (t) => {
    if (!mounted.ok) {
      skipped.push(`state dir read-only (${mounted.reason})`);
      t.skip(mounted.reason);
      return;
    }
    faults.push('state dir read-only');
    await load!.phase(`state-dir-read-only${p}`);
    const failures = await metric('vmoodle_sidecar_state_file_write_failures_total');
    // Start from files that are current (a write of the last change may still be in flight).
    const before = await servedGeneration();
    await waitFor('state file current', async () => (await stateFileGeneration()) === before, 20_000);
    await remount(stateDir, 'ro');
    try {
      await putTenants(reg, [{ id: `ro-${round}`, host: `ro-${round}.${D}` }]);
      await waitFor('change served from memory', () => resolves(`ro-${round}.${D}`), 15_000);
      await waitFor('write failure counted', async () => (await metric('vmoodle_sidecar_state_file_write_failures_total')) > failures, 10_000);
      assert.equal(await stateFileGeneration(), before, 'the old state file is intact');
      await sleep(profile.phaseMs);
    } finally {
      await remount(stateDir, 'rw');
    }
    const gen = await servedGeneration();
    // Retried without any registry change (the fix in sidecar/main.ts).
    await waitFor('state file caught up', async () => (await stateFileGeneration()) === gen, 15_000);
    await waitFor('PHP map caught up', async () => mapGeneration() === gen, 15_000);
  });

  test(`${r}disk full on the state file write: never a torn state file or a stale map, then caught up`, async (t) => {
    if (!mounted.ok) {
      skipped.push(`disk full (${mounted.reason})`);
      t.skip(mounted.reason);
      return;
    }
    faults.push('disk full');
    await load!.phase(`disk-full${p}`);
    const filler = join(stateDir, 'filler');
    const failures = (await metric('vmoodle_sidecar_state_file_write_failures_total')) + (await metric('vmoodle_sidecar_php_map_write_failures_total'));
    const before = await servedGeneration();
    await waitFor('state file current', async () => (await stateFileGeneration()) === before, 20_000);
    fillUp(filler);
    try {
      await putTenants(reg, [{ id: `full-${round}`, host: `full-${round}.${D}` }]);
      await waitFor('change served from memory', () => resolves(`full-${round}.${D}`), 15_000);
      const served = await servedGeneration();
      const writeFailures = async (): Promise<number> =>
        (await metric('vmoodle_sidecar_state_file_write_failures_total')) + (await metric('vmoodle_sidecar_php_map_write_failures_total'));
      await waitFor('ENOSPC counted', async () => (await writeFailures()) > failures, 10_000);
      await waitFor('PHP map removed or current', async () => [null, served].includes(mapGeneration()), 10_000);
      // Whatever the disk allowed: the state file is the previous one, whole, or the new one (once
      // the stale map's removal freed room), never a torn one; and the PHP map is never older than
      // what is served: written, or removed so the include asks the sidecar.
      const until = Date.now() + profile.phaseMs;
      let mapRemoved = false;
      while (Date.now() < until) {
        const st = await stateFileGeneration();
        assert.ok(st === before || st === served, `state file generation ${String(st)} (before ${before}, served ${served})`);
        const map = mapGeneration();
        assert.ok(map === null || map === served, `PHP map at generation ${String(map)} while ${served} is served`);
        if (map === null) mapRemoved = true;
        await sleep(100);
      }
      // Each retry writes a temp file and removes it when the write fails: none stays.
      await waitFor('no temp file left behind', async () => tempFiles().length === 0, 5_000, 10);
      summary('sidecar-disk-full', { round, stateFileKept: (await stateFileGeneration()) === before, staleMapRemoved: mapRemoved });
    } finally {
      unlinkSync(filler);
    }
    const gen = await servedGeneration();
    await waitFor('state file caught up', async () => (await stateFileGeneration()) === gen, 15_000);
    await waitFor('PHP map written again', async () => mapGeneration() === gen, 15_000);
    assert.equal(statSync(join(stateDir, 'snapshot.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(stateDir, 'vmoodle-map.php')).mode & 0o777, 0o640);
  });

  test(`${r}sidecar killed -9 and restarted under load (registry up)`, async () => {
    faults.push('sidecar kill -9');
    await load!.phase(`down:sidecar-killed${p}`);
    await killSidecar();
    assert.ok(statSync(sock).isSocket(), 'kill -9 leaves the socket file behind');
    // What a kill -9 in the middle of a state file write leaves (it lands there only sometimes).
    writeFileSync(join(stateDir, '.snapshot.json.999999.1.tmp'), '{"torn":');
    sidecar = startOne();
    await waitReady();
    await load!.phase(`sidecar-restarted${p}`);
    assert.equal(statSync(sock).mode & 0o777, 0o660, 'the stale socket was replaced by a 0660 one');
    assert.ok(!existsSync(join(stateDir, '.snapshot.json.999999.1.tmp')), 'temp files of the killed process removed at start');
    await sleep(profile.phaseMs);
  });

  test(`${r}sidecar killed -9 while the registry is unreachable: restarts from the state file`, async () => {
    faults.push('registry unreachable', 'sidecar kill -9 with registry down');
    proxy.setMode({ kind: 'cut' });
    await load!.phase(`registry-cut${p}`);
    await waitFor('registry seen down', async () => (await ready()).registryUp === false, 15_000);
    const gen = await servedGeneration();
    await waitFor('state file current', async () => (await stateFileGeneration()) === gen, 15_000);
    await load!.phase(`down:sidecar-killed-registry-down${p}`);
    await killSidecar();
    sidecar = startOne();
    const rb = await waitReady();
    assert.equal(rb.source, 'state-file');
    assert.equal(rb.generation, gen, 'restored exactly what was served before the kill');
    await load!.phase(`restored-from-state-file${p}`);
    const a = await request({ socketPath: sock }, resolvePath(`s0001.${D}`), auth);
    assert.equal(a.status, 200);
    assert.equal(a.json<ResolveResponse>().dbname, 'moodle_s0001');
    assert.ok(a.headers['x-vmoodle-stale-seconds'] !== undefined, 'marked stale');
    await sleep(profile.phaseMs);
    proxy.setMode({ kind: 'pass' });
    await waitFor('registry back', async () => {
      const x = await ready();
      return x.registryUp && x.source === 'registry';
    }, 40_000, 100);
    await load!.phase(`recovered${p}`);
    await sleep(Math.min(profile.phaseMs, 1000));
  });
}

test('figures: zero wrong answers, zero errors while the sidecar was up', async () => {
  report = await load!.stop();
  const total = emptyFigures();
  for (const [phase, f] of Object.entries(report.phases)) {
    figuresLine('sidecar-load', phase, f);
    addFigures(total, f);
  }
  summary('sidecar-load', {
    faults: faults.length,
    faultsTried: [...new Set(faults)].join(','),
    skipped: skipped.length ? skipped.join('; ') : 'none',
    requests: total.sent,
    correct: total.correct,
    wrong: total.wrong,
    errors: total.errors,
    unavailableWhileDown: total.unavailable,
    profile: profile.name,
  });
  assert.equal(total.wrong, 0, `wrong answers: ${report.samples.join(' | ')}`);
  assert.equal(total.errors, 0, `errors while up: ${report.samples.join(' | ')}`);
  for (const [phase, f] of Object.entries(report.phases)) {
    if (!phase.startsWith('down:')) assert.ok(f.sent > 0, `load ran during ${phase}`);
  }
  assert.ok(total.correct > 1000, 'a meaningful number of lookups');
});

test('token: refused without it or with anything but the exact bearer token; probes stay open', async () => {
  const path = resolvePath(`s0001.${D}`);
  const hostile = [
    undefined, '', 'Bearer', 'Bearer ', TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN.toUpperCase()}`,
    `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, `Token ${TOKEN}`, `Bearer ${TOKEN}, Bearer ${TOKEN}`, `Bearer ${'x'.repeat(5000)}`,
    `Bearer "${TOKEN}"`, `Bearer ${Buffer.from(TOKEN).toString('base64')}`, `Bearer ${TOKEN.slice(0, 16)}`,
  ];
  let refused = 0;
  for (const h of hostile) {
    for (const p of [path, '/v1/tenants', '/metrics']) {
      const r = await request({ socketPath: sock }, p, h === undefined ? {} : { authorization: h });
      assert.equal(r.status, 401, `${JSON.stringify(h?.slice(0, 40))} on ${p}`);
      refused++;
    }
  }
  const q = await request({ socketPath: sock }, `${path}&access_token=${TOKEN}`);
  assert.equal(q.status, 401, 'a token in the query string does not count');
  assert.equal((await request({ socketPath: sock }, path, { authorization: `bearer ${TOKEN}` })).status, 200, 'the scheme is case-insensitive (RFC 6750)');
  assert.equal((await request({ socketPath: sock }, '/healthz')).status, 200);
  assert.equal((await request({ socketPath: sock }, '/readyz')).status, 200);
  summary('sidecar-token', { hostileAuthorizationValues: hostile.length, refused: refused + 1, acceptedWrongly: 0 });
});

test('secrets: not in /v1/tenants, not in any sidecar log, not even a wrong registry password', async () => {
  const list = await request({ socketPath: sock }, '/v1/tenants', auth);
  assert.equal(list.status, 200);
  assert.doesNotMatch(list.text, /dbpass|dbuser|dbhost/);
  const inListing = secrets.filter((x) => list.text.includes(x));

  // A sidecar given a wrong registry password: the refusal is logged, the password is not.
  const wrong = 'Wrong-Registry-Passw0rd-' + Math.random().toString(36).slice(2);
  secrets.push(wrong);
  const tdir = mkdtempSync(join(tmpdir(), 'vmoodle-hard-wrongpw-'));
  const bad = startSidecar(['--registry', reg.readOnlyDsn.replace(/^mysql:\/\/([^:]+):[^@]+@/, `mysql://$1:${wrong}@`), '--state-dir', tdir, '--listen', `unix:${join(tdir, 's.sock')}`]);
  outputs.push(bad.output);
  try {
    await waitFor('refusal logged', async () => /registry unreachable at boot/.test(bad.output()), 20_000);
    assert.match(bad.output(), /Access denied/);
  } finally {
    await bad.stop();
    rmSync(tdir, { recursive: true, force: true });
  }

  const logs = outputs.map((o) => o()).join('\n');
  assert.ok(logs.length > 0);
  const leaks = secrets.filter((x) => logs.includes(x));
  summary('sidecar-secrets', { logBytes: logs.length, listingBytes: list.text.length, secretsChecked: secrets.length, leaks: leaks.length + inListing.length });
  assert.deepEqual(inListing, [], 'a secret appears in /v1/tenants');
  assert.equal(leaks.length, 0, 'a secret appears in the sidecar logs');
});
