// The PHP include (sidecar/php/vmoodle.php) under the real `php -S` and `php` CLI, with the real
// sidecar and its map file: right $CFG per Host, fail-closed pages, socket fallback, CLI selection,
// and the same host normalisation as lib/host.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withPrivateMariaDb, type MariaDbServer } from '../helpers/mariadb';
import { freePort } from '../../lib/mariadb-server';
import { normaliseHost } from '../../lib/host';
import { createRegistry, putTenants, startSidecar, request, waitFor, PHP_INCLUDE, type SidecarProcess } from './helpers';
import { writeMoodleStandIn, startPhpServer, type PhpServer } from './php-env';
import { ACCEPTED, ACCEPTED_IDN, REFUSED } from './host-cases';

const execFileP = promisify(execFile);

/** A password that would break any naive quoting: PHP, SQL, shell, JSON. */
const NASTY_PASS = "p'w\\\"?>\n<?php echo 1; ${x} $y `id` \\'";

let db: { server: MariaDbServer; stop: () => Promise<void> } | undefined;
let dir: string;
let sidecar: SidecarProcess | undefined;
let php: PhpServer | undefined;
let docroot: string;

interface Cfg {
  wwwroot: string;
  dbtype: string;
  dblibrary: string;
  dbhost: string;
  dbname: string;
  dbuser: string;
  dbpass: string;
  prefix: string;
  dataroot: string;
  dboptions: Record<string, unknown>;
  vmoodle_key: string;
  vmoodle_via: string;
  theme?: string;
  forced_plugin_settings?: unknown;
}

before(async () => {
  db = await withPrivateMariaDb();
  const reg = await createRegistry(db.server);
  await putTenants(reg, [
    { id: 'alpha', host: 'alpha.example.test', dbpass: NASTY_PASS, config: { theme: 'boost', forced_plugin_settings: { auth_cas: { host: "cas'.example" } } } },
    { id: 'beta', host: 'beta.example.test', dbport: null, dbsocket: '/run/mysqld/mysqld.sock' },
    { id: 'gamma', host: 'gamma.example.test', enabled: false },
    { id: 'alpha-m2', host: 'alpha.example.test/m2' },
  ]);
  await reg.admin.end();
  dir = mkdtempSync(join(tmpdir(), 'vmoodle-php-'));
  const sock = join(dir, 'sidecar.sock');
  sidecar = startSidecar(['--registry', reg.readOnlyDsn, '--state-dir', dir]);
  await waitFor('sidecar ready', async () => (await request({ socketPath: sock }, '/readyz')).status === 200, 15_000);
  // The map is written off the request path, after the snapshot is served: wait for it too.
  await waitFor('PHP map written', async () => existsSync(join(dir, 'vmoodle-map.php')), 15_000);
  docroot = join(dir, 'moodle');
  writeMoodleStandIn(docroot, {
    map: { map: join(dir, 'vmoodle-map.php'), socket: sock },
    nomap: { map: join(dir, 'missing-map.php'), socket: sock },
    none: { map: join(dir, 'missing-map.php'), socket: join(dir, 'missing.sock') },
  });
  php = await startPhpServer(docroot, await freePort());
});

after(async () => {
  await php?.stop();
  await sidecar?.stop();
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function web(host: string, path = '/index.php?cfg=map') {
  return request({ origin: `http://127.0.0.1:${php!.port}` }, path, { host });
}

test('each Host gets its own $CFG from the map (fast path)', async () => {
  const a = await web('alpha.example.test');
  assert.equal(a.status, 200, a.text);
  const ac = a.json<Cfg>();
  assert.equal(ac.vmoodle_via, 'map');
  assert.equal(ac.wwwroot, 'https://alpha.example.test');
  assert.equal(ac.dbtype, 'mariadb');
  assert.equal(ac.dblibrary, 'native');
  assert.equal(ac.dbname, 'moodle_alpha');
  assert.equal(ac.dbuser, 'u_alpha');
  assert.equal(ac.dbpass, NASTY_PASS, 'a hostile password survives the PHP map byte for byte');
  assert.equal(ac.prefix, 'mdl_');
  assert.equal(ac.dataroot, '/srv/moodledata/alpha');
  assert.deepEqual(ac.dboptions, { dbcollation: 'utf8mb4_unicode_ci', dbport: 3306, dbsocket: '', dbpersist: 0 });
  assert.equal(ac.theme, 'boost');
  assert.deepEqual(ac.forced_plugin_settings, { auth_cas: { host: "cas'.example" } });
  assert.equal(ac.vmoodle_key, 'alpha.example.test');

  const b = await web('Beta.Example.Test.:8080');
  const bc = b.json<Cfg>();
  assert.equal(bc.dbname, 'moodle_beta');
  assert.equal(bc.wwwroot, 'https://beta.example.test');
  assert.deepEqual(bc.dboptions, { dbcollation: 'utf8mb4_unicode_ci', dbport: '', dbsocket: '/run/mysqld/mysqld.sock', dbpersist: 0 });
  assert.equal(bc.theme, undefined, "alpha's overrides do not leak to beta");

  const m2 = await web('alpha.example.test', '/m2/course/view.php?id=2&cfg=map');
  assert.equal(m2.json<Cfg>().vmoodle_key, 'alpha.example.test/m2');
  assert.equal(m2.json<Cfg>().wwwroot, 'https://alpha.example.test/m2');
  const m2bare = await web('alpha.example.test', '/m2?cfg=map');
  assert.equal(m2bare.json<Cfg>().vmoodle_key, 'alpha.example.test/m2', 'no trailing slash needed (VMoodle bug)');
  const other = await web('alpha.example.test', '/m3/?cfg=map');
  assert.equal(other.json<Cfg>().vmoodle_key, 'alpha.example.test');
});

test('fails closed: unknown 404, malformed 400, disabled 503 — never another site', async () => {
  for (const cfg of ['map', 'nomap']) {
    const unknown = await web('nobody.example.test', `/index.php?cfg=${cfg}`);
    assert.equal(unknown.status, 404, cfg);
    assert.equal(unknown.headers['x-vmoodle-reason'], 'unknown');
    assert.match(unknown.text, /Site not found/);
    assert.ok(!unknown.text.includes('dbname') && !unknown.text.includes('nobody'), 'no $CFG, no echo of the host');

    for (const bad of ["alpha.example.test' OR '1'='1", '127.0.0.1', 'alpha_example.test', 'alpha.example.test:99999', 'é.example']) {
      const r = await web(bad, `/index.php?cfg=${cfg}`);
      assert.equal(r.status, 400, `${cfg} ${bad}`);
      assert.equal(r.headers['x-vmoodle-reason'], 'bad_host');
    }

    const disabled = await web('gamma.example.test', `/index.php?cfg=${cfg}`);
    assert.equal(disabled.status, 503, cfg);
    assert.equal(disabled.headers['x-vmoodle-reason'], 'disabled');
    assert.match(disabled.text, /disabled/);
    assert.ok(!disabled.text.includes('pw-gamma'));
  }
});

test('map missing: falls back to the sidecar over its unix socket', async () => {
  const a = await web('ALPHA.example.test', '/index.php?cfg=nomap');
  assert.equal(a.status, 200, a.text);
  const ac = a.json<Cfg>();
  assert.equal(ac.vmoodle_via, 'sidecar');
  assert.equal(ac.dbname, 'moodle_alpha');
  assert.equal(ac.dbpass, NASTY_PASS);
  assert.equal(ac.theme, 'boost');
  assert.deepEqual(ac.dboptions, { dbcollation: 'utf8mb4_unicode_ci', dbport: 3306, dbsocket: '', dbpersist: 0 });
  const m2 = await web('alpha.example.test', '/m2/x.php?cfg=nomap');
  assert.equal(m2.json<Cfg>().vmoodle_key, 'alpha.example.test/m2');
  assert.equal((await web('beta.example.test', '/index.php?cfg=nomap')).json<Cfg>().dbname, 'moodle_beta');
});

test('map and sidecar both unavailable: 503 page', async () => {
  const r = await web('alpha.example.test', '/index.php?cfg=none');
  assert.equal(r.status, 503);
  assert.equal(r.headers['x-vmoodle-reason'], 'unavailable');
  assert.ok(r.headers['retry-after']);
  assert.match(r.text, /temporarily unavailable/);
  assert.ok(!r.text.includes('moodle_alpha'));
});

async function cli(env: Record<string, string>, variant = 'map'): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP('php', [join(docroot, 'cli.php'), variant], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('CLI: VMOODLE_HOST selects a tenant; missing, unknown and disabled exit non-zero', async () => {
  for (const variant of ['map', 'nomap']) {
    const b = await cli({ VMOODLE_HOST: 'beta.example.test' }, variant);
    assert.equal(b.code, 0, b.stderr);
    assert.equal((JSON.parse(b.stdout) as Cfg).dbname, 'moodle_beta');
    assert.equal((JSON.parse(b.stdout) as Cfg).vmoodle_via, variant === 'map' ? 'map' : 'sidecar');

    const m2 = await cli({ VMOODLE_HOST: 'Alpha.Example.Test/m2' }, variant);
    assert.equal(m2.code, 0, m2.stderr);
    assert.equal((JSON.parse(m2.stdout) as Cfg).vmoodle_key, 'alpha.example.test/m2');

    const missing = await cli({}, variant);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /VMOODLE_HOST is not set/);
    assert.equal(missing.stdout, '');

    const bad = await cli({ VMOODLE_HOST: "beta.example.test'" }, variant);
    assert.equal(bad.code, 2);

    const unknown = await cli({ VMOODLE_HOST: 'nobody.example.test' }, variant);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /no site at this address/);

    // An exact tenant on the CLI: a missing subpath tenant is not replaced by the bare host.
    const noSub = await cli({ VMOODLE_HOST: 'beta.example.test/m2' }, variant);
    assert.equal(noSub.code, 3, variant);

    const disabled = await cli({ VMOODLE_HOST: 'gamma.example.test' }, variant);
    assert.equal(disabled.code, 4);
  }
  const down = await cli({ VMOODLE_HOST: 'beta.example.test' }, 'none');
  assert.equal(down.code, 5);
  assert.match(down.stderr, /unavailable/);
});

test('the PHP include normalises hosts exactly like lib/host.ts (ASCII inputs)', async () => {
  // Non-ASCII is refused by PHP (browsers send punycode) and punycode is not decoded there: both
  // fail closed, so those inputs are compared for refusal only.
  const inputs = [...ACCEPTED, ...ACCEPTED_IDN].map(([i]) => i).concat(REFUSED.map(([i]) => i));
  const script = `define('VMOODLE_NO_BOOT', 1); require ${JSON.stringify(PHP_INCLUDE)};
    $in = json_decode(file_get_contents('php://stdin'), true);
    echo json_encode(array_map('vmoodle_normalise_host', $in));`;
  const child = execFile('php', ['-r', script]);
  child.stdin!.end(JSON.stringify(inputs));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const phpResults = JSON.parse(out) as Array<string | null>;
  inputs.forEach((input, i) => {
    const ts = normaliseHost(input);
    const label = JSON.stringify(input.slice(0, 50));
    const ascii = /^[\x00-\x7f]*$/.test(input);
    const punycode = /xn--/i.test(input);
    if (ascii && !punycode) assert.equal(phpResults[i], ts.ok ? ts.host : null, label);
    else if (ascii && punycode && ts.ok) assert.equal(phpResults[i], ts.host, label);
    else if (!ascii) assert.equal(phpResults[i], null, `${label}: PHP refuses raw non-ASCII`);
  });
});
