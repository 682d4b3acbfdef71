// The real vmoodle-sidecar process (node dist/sidecar/main.js) against a real registry in a private
// MariaDB: lookups over the unix socket, registry changes, registry outage, restart from the state
// file, a corrupt state file, the token, file modes, health and metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withPrivateMariaDb, type MariaDbServer } from '../helpers/mariadb';
import { stopMariaDb } from '../../lib/mariadb-server';
import {
  createRegistry,
  putTenants,
  changeRegistry,
  startSidecar,
  request,
  resolvePath,
  waitFor,
  type Registry,
  type SidecarProcess,
} from './helpers';
import type { ResolveResponse, TenantList, ReadyResponse, ErrorResponse } from '../../generated/sidecar-types';

const POLL_MS = 300;
let db: { server: MariaDbServer; stop: () => Promise<void> } | undefined;
let reg: Registry;
let dir: string;
let sock: string;
let sidecar: SidecarProcess | undefined;
const everyOutput: Array<() => string> = [];

function start(args: string[] = []): SidecarProcess {
  const sc = startSidecar(['--registry', reg.readOnlyDsn, '--state-dir', dir, '--poll-interval', String(POLL_MS), ...args]);
  everyOutput.push(sc.output);
  return sc;
}

async function waitReady(socketPath = sock): Promise<void> {
  await waitFor('sidecar ready', async () => (await request({ socketPath }, '/readyz')).status === 200, 15_000);
}

const get = (path: string, headers: Record<string, string> = {}) => request({ socketPath: sock }, path, headers);

/** One metric's value from /metrics. */
async function metric(name: string): Promise<number> {
  const text = (await get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return Number(line!.slice(name.length + 1));
}

before(async () => {
  db = await withPrivateMariaDb();
  reg = await createRegistry(db.server);
  reg.admin.on('error', () => undefined);
  await putTenants(reg, [
    { id: 'alpha', host: 'alpha.example.test', dbpass: "s3cret-'alpha'\\", config: { theme: 'boost', forced_plugin_settings: { auth_cas: { host: 'cas.example.test' } } } },
    { id: 'beta', host: 'beta.example.test', dbport: null, dbsocket: '/run/mysqld/mysqld.sock', prefix: 'b_' },
    { id: 'gamma', host: 'gamma.example.test', enabled: false },
    { id: 'alpha-m2', host: 'alpha.example.test/m2' },
    { id: 'pending', host: 'pending.example.test', state: 'creating' },
  ]);
  dir = mkdtempSync(join(tmpdir(), 'vmoodle-sidecar-'));
  sock = join(dir, 'sidecar.sock');
  sidecar = start();
  await waitReady();
});

after(async () => {
  await sidecar?.stop();
  await reg?.admin.end().catch(() => undefined);
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('resolves two hosts over the unix socket with Moodle $CFG names', async () => {
  const a = await get(resolvePath('alpha.example.test'));
  assert.equal(a.status, 200);
  assert.match(String(a.headers['content-type']), /^application\/json/);
  assert.equal(a.headers['x-vmoodle-stale-seconds'], undefined, 'fresh snapshot: no stale header');
  const ab = a.json<ResolveResponse>();
  assert.equal(ab.key, 'alpha.example.test');
  assert.equal(ab.wwwroot, 'https://alpha.example.test');
  assert.equal(ab.dbname, 'moodle_alpha');
  assert.equal(ab.dbpass, "s3cret-'alpha'\\");
  assert.equal(ab.dblibrary, 'native');
  assert.deepEqual(ab.dboptions, { dbport: 3306, dbsocket: null });
  assert.deepEqual(ab.config, { theme: 'boost', forced_plugin_settings: { auth_cas: { host: 'cas.example.test' } } });
  assert.equal(String(ab.generation), a.headers['x-vmoodle-generation']);

  const b = await get(resolvePath('beta.example.test'));
  assert.equal(b.status, 200);
  const bb = b.json<ResolveResponse>();
  assert.equal(bb.dbname, 'moodle_beta');
  assert.equal(bb.prefix, 'b_');
  assert.deepEqual(bb.dboptions, { dbport: null, dbsocket: '/run/mysqld/mysqld.sock' });
});

test('normalises case, port and trailing dot; subpath tenants by the first path segment', async () => {
  for (const h of ['ALPHA.Example.Test', 'alpha.example.test:443', 'alpha.example.test.', 'Alpha.Example.Test.:8443']) {
    const r = await get(resolvePath(h));
    assert.equal(r.status, 200, h);
    assert.equal(r.json<ResolveResponse>().key, 'alpha.example.test');
  }
  const sub = await get(resolvePath('alpha.example.test', '/m2/course/view.php?id=3'));
  assert.equal(sub.json<ResolveResponse>().key, 'alpha.example.test/m2');
  assert.equal(sub.json<ResolveResponse>().wwwroot, 'https://alpha.example.test/m2');
  const bare = await get(resolvePath('alpha.example.test', '/course/view.php'));
  assert.equal(bare.json<ResolveResponse>().key, 'alpha.example.test', 'other paths fall back to the bare host');
  const noSubOnBeta = await get(resolvePath('beta.example.test', '/m2/'));
  assert.equal(noSubOnBeta.json<ResolveResponse>().key, 'beta.example.test');
});

test('unknown host 404, malformed 400, disabled 423 (no secrets), rows being created are not served', async () => {
  const unknown = await get(resolvePath('nobody.example.test'));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json<ErrorResponse>().error, 'unknown_host');
  assert.equal((await get(resolvePath('pending.example.test'))).status, 404, "state 'creating' is not served");
  assert.equal((await get(resolvePath('alpha.example.test', '/nope'))).status, 200);

  for (const bad of ["alpha.example.test' OR '1'='1", 'alpha.example.test\r\nX: y', '127.0.0.1', '[::1]', 'a'.repeat(3000), '', 'a_b.example.test']) {
    const r = await get(resolvePath(bad));
    assert.equal(r.status, 400, JSON.stringify(bad.slice(0, 40)));
    assert.equal(r.json<ErrorResponse>().error, 'bad_request');
  }
  assert.equal((await get('/v1/resolve')).status, 400, 'host is required');
  assert.equal((await get('/v1/resolve?host=alpha.example.test&host=beta.example.test')).status, 400, 'host once');

  const disabled = await get(resolvePath('gamma.example.test'));
  assert.equal(disabled.status, 423);
  assert.deepEqual(disabled.json<ErrorResponse>(), { error: 'tenant_disabled', message: 'this site is disabled', key: 'gamma.example.test' });
  assert.ok(!disabled.text.includes('pw-gamma'));
});

test('/v1/tenants lists tenants without secrets', async () => {
  const r = await get('/v1/tenants');
  assert.equal(r.status, 200);
  const list = r.json<TenantList>();
  assert.equal(list.source, 'registry');
  assert.deepEqual(list.tenants.map((t) => t.key).sort(), ['alpha.example.test', 'alpha.example.test/m2', 'beta.example.test', 'gamma.example.test']);
  assert.equal(list.tenants.find((t) => t.key === 'gamma.example.test')!.enabled, false);
  assert.ok(!/dbpass|dbuser|s3cret|pw-/.test(r.text), 'no credentials');
});

test('socket 0660, state file 0600, PHP map 0640', async () => {
  // The files follow the snapshot being served (the loader thread writes them after handing it over).
  await waitFor('state file and PHP map written', async () => existsSync(join(dir, 'snapshot.json')) && existsSync(join(dir, 'vmoodle-map.php')), 10_000);
  assert.equal(statSync(sock).mode & 0o777, 0o660);
  assert.equal(statSync(join(dir, 'snapshot.json')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'vmoodle-map.php')).mode & 0o777, 0o640);
  assert.ok(statSync(sock).isSocket());
});

test('/healthz, /readyz and /metrics', async () => {
  assert.equal((await get('/healthz')).status, 200);
  const ready = await get('/readyz');
  assert.equal(ready.status, 200);
  const rb = ready.json<ReadyResponse>();
  assert.equal(rb.ready, true);
  assert.equal(rb.source, 'registry');
  assert.equal(rb.registryUp, true);
  assert.ok(rb.staleSeconds !== null && rb.staleSeconds < 5);

  const m = await get('/metrics');
  assert.equal(m.status, 200);
  assert.match(String(m.headers['content-type']), /^text\/plain/);
  const value = (name: string): number => {
    const line = m.text.split('\n').find((l) => l.startsWith(name + ' '));
    assert.ok(line, `metric ${name}`);
    return Number(line.slice(name.length + 1));
  };
  assert.ok(value('vmoodle_sidecar_lookups_total{outcome="ok"}') >= 2);
  assert.ok(value('vmoodle_sidecar_lookups_total{outcome="unknown"}') >= 1);
  assert.ok(value('vmoodle_sidecar_lookups_total{outcome="malformed"}') >= 1);
  assert.ok(value('vmoodle_sidecar_lookups_total{outcome="disabled"}') >= 1);
  assert.equal(value('vmoodle_sidecar_snapshot_generation'), rb.generation);
  assert.equal(value('vmoodle_sidecar_registry_up'), 1);
  assert.ok(value('vmoodle_sidecar_snapshot_age_seconds') < 5);
  assert.ok(value('vmoodle_sidecar_reload_duration_seconds_count') >= 1);
  assert.equal(value('vmoodle_sidecar_reload_failures_total'), 0);
});

test('polls the generation without reloading while nothing changes; HEAD carries no body', async () => {
  const reloads = await metric('vmoodle_sidecar_reloads_total');
  const polls = await metric('vmoodle_sidecar_polls_total');
  await new Promise((r) => setTimeout(r, POLL_MS * 4));
  assert.ok((await metric('vmoodle_sidecar_polls_total')) >= polls + 2, 'polled');
  assert.equal(await metric('vmoodle_sidecar_reloads_total'), reloads, 'no reload without a generation change');

  const { Client } = await import('undici');
  const client = new Client('http://localhost', { socketPath: sock });
  try {
    const res = await client.request({ method: 'HEAD', path: resolvePath('alpha.example.test') });
    assert.equal(res.statusCode, 200);
    assert.equal(await res.body.text(), '');
  } finally {
    await client.close();
  }
});

test('a host changed in the registry is served within one poll interval; invalid rows are skipped', async () => {
  const before = (await get('/readyz')).json<ReadyResponse>().generation!;
  await changeRegistry(reg, "UPDATE vmoodle_tenant SET host = 'beta2.example.test', wwwroot = 'https://beta2.example.test' WHERE id = 'beta'");
  // A row that the provider would never write: the sidecar must skip it, not serve it or stop.
  await changeRegistry(
    reg,
    `INSERT INTO vmoodle_tenant (id, host, state, wwwroot, server, dbhost, dbname, dbuser, dbpass, prefix, dataroot, config)
     VALUES ('evil', 'Evil_Host.example.test', 'active', 'https://x', 'default', 'h', 'evil', 'u', 'p', 'mdl_', '/d', '{}')`,
  );
  const t0 = Date.now();
  await waitFor('beta2 served', async () => (await get(resolvePath('beta2.example.test'))).status === 200, 5000, 20);
  const elapsed = Date.now() - t0;
  assert.ok(elapsed <= POLL_MS + 700, `served after ${elapsed} ms (poll interval ${POLL_MS} ms)`);
  assert.equal((await get(resolvePath('beta.example.test'))).status, 404, 'the old host is gone');
  const ready = (await get('/readyz')).json<ReadyResponse>();
  assert.ok(ready.generation! >= before + 2);
  const m = await get('/metrics');
  assert.match(m.text, /^vmoodle_sidecar_snapshot_invalid_rows 1$/m);
  assert.equal((await get(resolvePath('alpha.example.test'))).status, 200, 'other tenants keep serving');
  // The state file follows the registry.
  await waitFor('state file updated', async () => readFileSync(join(dir, 'snapshot.json'), 'utf8').includes('beta2.example.test'), 3000);
});

test('SIGHUP restarts the loader thread: a full registry read, and lookups never stop', async () => {
  const reloads = await metric('vmoodle_sidecar_reloads_total');
  const generation = (await get('/readyz')).json<ReadyResponse>().generation;
  let lookups = 0;
  const failures: number[] = [];
  let done = false;
  const hammer = (async () => {
    while (!done) {
      const r = await get(resolvePath('alpha.example.test'));
      lookups++;
      if (r.status !== 200) failures.push(r.status);
    }
  })();
  try {
    assert.ok(sidecar!.child.kill('SIGHUP'));
    await waitFor('loader restarted', async () => /snapshot loader restarted on request/.test(sidecar!.output()), 5000);
    // A new loader knows nothing yet: it reads every row, whatever the generation.
    await waitFor('full reload', async () => (await metric('vmoodle_sidecar_reloads_total')) > reloads, 10_000);
  } finally {
    done = true;
    await hammer;
  }
  assert.ok(lookups > 0);
  assert.deepEqual(failures, [], 'every lookup answered while the loader restarted');
  const ready = (await get('/readyz')).json<ReadyResponse>();
  assert.equal(ready.generation, generation);
  assert.equal(ready.registryUp, true);
  assert.equal((await get(resolvePath('beta2.example.test'))).status, 200);
  assert.equal((await get('/v1/tenants')).status, 200, 'the new loader answers for the tenant list');
  assert.doesNotMatch(sidecar!.output(), /stopped unexpectedly/);
});

test('token required when set (/v1 and /metrics), probes stay open', async () => {
  const tdir = mkdtempSync(join(tmpdir(), 'vmoodle-sidecar-token-'));
  const tsock = join(tdir, 's.sock');
  const token = 'tok-' + 'x'.repeat(40);
  const sc = startSidecar(['--registry', reg.readOnlyDsn, '--state-dir', tdir, '--listen', `unix:${tsock}`, '--token', token]);
  everyOutput.push(sc.output);
  try {
    await waitReady(tsock);
    const path = resolvePath('alpha.example.test');
    assert.equal((await request({ socketPath: tsock }, path)).status, 401);
    assert.equal((await request({ socketPath: tsock }, path, { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await request({ socketPath: tsock }, path, { authorization: `Basic ${token}` })).status, 401);
    assert.equal((await request({ socketPath: tsock }, '/metrics')).status, 401);
    assert.equal((await request({ socketPath: tsock }, '/v1/tenants')).status, 401);
    const ok = await request({ socketPath: tsock }, path, { authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.equal(ok.json<ResolveResponse>().key, 'alpha.example.test');
    assert.equal((await request({ socketPath: tsock }, '/healthz')).status, 200);
    assert.equal((await request({ socketPath: tsock }, '/readyz')).status, 200);
    assert.ok(!sc.output().includes(token), 'the token is never logged');
  } finally {
    await sc.stop();
    rmSync(tdir, { recursive: true, force: true });
  }
});

test('registry stopped: lookups keep answering from memory, marked stale', async () => {
  await reg.admin.end().catch(() => undefined);
  await stopMariaDb(db!.server);
  await waitFor('registry seen down', async () => (await get('/readyz')).json<ReadyResponse>().registryUp === false, 10_000);
  const r = await get(resolvePath('alpha.example.test'));
  assert.equal(r.status, 200);
  assert.equal(r.json<ResolveResponse>().dbname, 'moodle_alpha');
  assert.ok(r.headers['x-vmoodle-stale-seconds'] !== undefined, 'stale header');
  assert.equal((await get(resolvePath('beta2.example.test'))).status, 200);
  const m = (await get('/metrics')).text;
  assert.match(m, /^vmoodle_sidecar_registry_up 0$/m);
  assert.match(m, /^vmoodle_sidecar_snapshot_stale 1$/m);
  assert.match(m, /^vmoodle_sidecar_poll_failures_total [1-9]/m);
  assert.match(sidecar!.output(), /registry unreachable on poll: serving generation \d+ from memory/);
});

test('restarted with the registry still down: answers from the state file', async () => {
  await sidecar!.stop();
  sidecar = start();
  await waitReady();
  const ready = (await get('/readyz')).json<ReadyResponse>();
  assert.equal(ready.source, 'state-file');
  assert.equal(ready.registryUp, false);
  const r = await get(resolvePath('beta2.example.test'));
  assert.equal(r.status, 200);
  assert.equal(r.json<ResolveResponse>().dbname, 'moodle_beta');
  assert.ok(r.headers['x-vmoodle-stale-seconds'] !== undefined);
  assert.equal((await get(resolvePath('alpha.example.test', '/m2/'))).json<ResolveResponse>().key, 'alpha.example.test/m2');
  assert.equal((await get(resolvePath('gamma.example.test'))).status, 423);
  assert.match(sidecar!.output(), /serving the snapshot restored from the state file/);
});

test('a corrupt state file is refused with a clear log line, without crashing', async () => {
  const stateFile = join(dir, 'snapshot.json');
  const good = readFileSync(stateFile, 'utf8');
  const variants: Array<[string, string, RegExp]> = [
    ['truncated', good.slice(0, Math.floor(good.length / 2)), /is not valid JSON/],
    ['edited', good.replace('moodle_alpha', 'moodle_other'), /checksum does not match/],
  ];
  for (const [what, content, expected] of variants) {
    await sidecar!.stop();
    writeFileSync(stateFile, content, { mode: 0o600 });
    sidecar = start();
    const sc = sidecar;
    await waitFor(`refusal logged (${what})`, async () => /state file .* refused/.test(sc.output()), 10_000);
    assert.match(sc.output(), expected, what);
    assert.match(sc.output(), /not ready until the registry is reachable/);
    const ready = await get('/readyz');
    assert.equal(ready.status, 503, what);
    assert.equal(ready.json<ReadyResponse>().ready, false);
    const r = await get(resolvePath('alpha.example.test'));
    assert.equal(r.status, 503);
    assert.equal(r.json<ErrorResponse>().error, 'not_ready');
    assert.equal((await get('/healthz')).status, 200, 'alive');
    assert.equal(sc.child.exitCode, null, 'still running');
  }
});

test('database passwords never reach the logs', () => {
  const all = everyOutput.map((f) => f()).join('\n');
  assert.ok(all.length > 0);
  for (const secret of ["s3cret-'alpha'", 'pw-beta', 'pw-gamma', 'pw-alpha-m2', reg.readOnlyDsn.split(':')[2]!.split('@')[0]!]) {
    assert.ok(!all.includes(secret), `a secret appears in the logs`);
  }
});
