// vmoodle each / vmoodle cron with real processes: a registry in a private MariaDB, the real
// sidecar writing its PHP map, a stand-in Moodle code base whose config.php requires
// sidecar/php/vmoodle.php and whose admin/cli/cron.php records the $CFG it got, run by the real php
// for every tenant. One site fails, one hangs past the time limit, one is disabled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withPrivateMariaDb, type MariaDbServer } from '../helpers/mariadb';
import { createRegistry, putTenants, startSidecar, request, waitFor, PHP_INCLUDE, type Registry, type SidecarProcess, type TenantInput } from '../sidecar/helpers';
import { runCli } from './helpers';

let server: MariaDbServer;
let stopDb: () => Promise<void>;
let reg: Registry;
let sidecar: SidecarProcess;
const dir = mkdtempSync(join(tmpdir(), 'vmoodle-each-test-'));
const stateDir = join(dir, 'sidecar');
const socket = join(stateDir, 'sidecar.sock');
const moodle = join(dir, 'moodle');
const out = join(dir, 'out');
let registryDsn: string;

const TENANTS: TenantInput[] = [
  ...Array.from({ length: 9 }, (_, i) => ({ id: `default/moodle_site0${i + 1}`, host: `site0${i + 1}.example.edu`, dbname: `moodle_site0${i + 1}`, dbuser: `u_site0${i + 1}`, dataroot: `/srv/moodledata/site0${i + 1}` })),
  { id: 'default/moodle_law', host: 'campus.example.edu/law', dbname: 'moodle_law', dbuser: 'u_law', dataroot: '/srv/moodledata/law' },
  { id: 'default/moodle_off', host: 'off.example.edu', dbname: 'moodle_off', enabled: false },
];
// Forced $CFG settings the stand-in cron reads: site03 fails, site05 hangs.
TENANTS[2]!.config = { fail_me: '1' };
TENANTS[4]!.config = { sleep_me: '1' };

function lit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The stand-in Moodle: config.php as the README documents it, and a cron.php that reports $CFG. */
function writeMoodle(): void {
  mkdirSync(join(moodle, 'admin', 'cli'), { recursive: true });
  writeFileSync(
    join(moodle, 'config.php'),
    [
      '<?php',
      'unset($CFG);',
      'global $CFG;',
      '$CFG = new stdClass();',
      '$CFG->dirroot = __DIR__;',
      `$CFG->vmoodle_map = ${lit(join(stateDir, 'vmoodle-map.php'))};`,
      `$CFG->vmoodle_socket = ${lit(socket)};`,
      `require ${lit(PHP_INCLUDE)};`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(moodle, 'admin', 'cli', 'cron.php'),
    [
      '<?php',
      "define('CLI_SCRIPT', true);",
      "require(__DIR__ . '/../../config.php');",
      "$report = ['host' => getenv('VMOODLE_HOST'), 'argv' => array_slice($argv, 1), 'cwd' => getcwd(),",
      "  'registry_env' => getenv('VMOODLE_REGISTRY'), 'server_env' => getenv('VMOODLE_SERVER_DEFAULT'),",
      "  'cfg' => ['wwwroot' => $CFG->wwwroot, 'dbname' => $CFG->dbname, 'dbuser' => $CFG->dbuser, 'dbpass' => $CFG->dbpass,",
      "            'prefix' => $CFG->prefix, 'dataroot' => $CFG->dataroot, 'via' => $CFG->vmoodle_via]];",
      "file_put_contents(getenv('VMOODLE_TEST_OUT') . '/' . str_replace('/', '__', getenv('VMOODLE_HOST')) . '.json', json_encode($report));",
      'echo "cron started for {$CFG->wwwroot}\\n";',
      'if (!empty($CFG->fail_me)) { fwrite(STDERR, "Fatal error: simulated failure on {$CFG->wwwroot}\\n"); exit(3); }',
      'if (!empty($CFG->sleep_me)) { sleep(60); }',
      'echo "done\\n";',
      '',
    ].join('\n'),
  );
}

before(async () => {
  ({ server, stop: stopDb } = await withPrivateMariaDb());
  reg = await createRegistry(server);
  registryDsn = `${server.adminDsn}${reg.database}`;
  await putTenants(reg, TENANTS);
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(out, { recursive: true });
  writeMoodle();
  sidecar = startSidecar(['--registry', reg.readOnlyDsn, '--state-dir', stateDir]);
  await waitFor('sidecar ready', async () => (await request({ socketPath: socket }, '/readyz')).status === 200, 15_000);
  await waitFor('PHP map', async () => existsSync(join(stateDir, 'vmoodle-map.php')), 15_000);
});

after(async () => {
  await sidecar?.stop();
  await reg?.admin.end().catch(() => undefined);
  await stopDb?.();
});

interface Report {
  host: string;
  argv: string[];
  cwd: string;
  registry_env: string | false;
  server_env: string | false;
  cfg: { wwwroot: string; dbname: string; dbuser: string; dbpass: string; prefix: string; dataroot: string; via: string };
}

test('vmoodle cron runs cron.php once per enabled tenant with its own $CFG; failures and timeouts are reported and set the exit status', async () => {
  const logs = join(dir, 'cron-logs');
  const started = Date.now();
  const r = await runCli(['cron', '--moodle', moodle, '--sidecar', `unix:${socket}`, '--concurrency', '4', '--timeout', '3', '--logs', logs], {
    VMOODLE_TEST_OUT: out,
    // Present in the operator's environment, never handed to the commands.
    VMOODLE_REGISTRY: registryDsn,
    VMOODLE_SERVER_DEFAULT: server.adminDsn,
  });
  const elapsed = Date.now() - started;
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(elapsed < 20_000, `the hung site was stopped at its time limit (run took ${elapsed} ms)`);

  // The script saw, per tenant, exactly that tenant's $CFG (from the sidecar's PHP map).
  const enabled = TENANTS.filter((t) => t.enabled !== false);
  const seen = readdirSync(out).sort();
  assert.deepEqual(seen, enabled.map((t) => `${t.host.replace('/', '__')}.json`).sort());
  for (const t of enabled) {
    const rep = JSON.parse(readFileSync(join(out, `${t.host.replace('/', '__')}.json`), 'utf8')) as Report;
    const [host, sub] = t.host.split('/');
    assert.equal(rep.host, t.host);
    assert.deepEqual(rep.cfg, {
      wwwroot: `https://${host}${sub ? '/' + sub : ''}`,
      dbname: t.dbname,
      dbuser: t.dbuser ?? `u_${t.id.replace(/[^a-z0-9_]/gi, '_')}`,
      dbpass: `pw-${t.id}`,
      prefix: 'mdl_',
      dataroot: t.dataroot,
      via: 'map',
    });
    assert.deepEqual(rep.argv, ['--keep-alive=0']);
    assert.equal(rep.cwd, moodle);
    assert.equal(rep.registry_env, false);
    assert.equal(rep.server_env, false);
  }

  // Summary table: one line per site, the failure and the timeout named, then the totals.
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^SITE\s+STATUS\s+EXIT\s+DURATION\s+LOG$/);
  const row = (host: string): string => lines.find((l) => l.startsWith(host + ' '))!;
  assert.match(row('site01.example.edu'), /\bok\s+0\b/);
  assert.match(row('campus.example.edu/law'), /\bok\s+0\b/);
  assert.match(row('site03.example.edu'), /\bFAILED\s+3\b.*site03\.example\.edu\.log$/);
  assert.match(row('site05.example.edu'), /\bTIMEOUT\b/);
  assert.ok(!r.stdout.includes('off.example.edu'));
  assert.match(r.stdout, /10 sites: 8 ok, 1 failed, 1 timed out; output of failed sites in /);
  assert.match(r.stdout, /--- site03\.example\.edu \(exit 3\), last lines of .*\n {2}cron started for https:\/\/site03\.example\.edu\n {2}Fatal error: simulated failure/);

  // Logs: kept for the two that did not succeed, removed for the others.
  assert.deepEqual(readdirSync(logs).sort(), ['site03.example.edu.log', 'site05.example.edu.log']);
  assert.match(readFileSync(join(logs, 'site03.example.edu.log'), 'utf8'), /simulated failure on https:\/\/site03\.example\.edu/);
  // Progress: one plain line per finished site on stderr (not a terminal).
  assert.equal(r.stderr.split('\n').filter((l) => /^\[\d+\/10\] /.test(l)).length, 10);
});

test('vmoodle each lists tenants from the registry, filters with --only, and prints JSON', async () => {
  // Everything after the first "--" is the command's, "--json" included.
  const code = 'echo getenv("VMOODLE_HOST"), " ", getenv("VMOODLE_WWWROOT"), " ", implode(",", array_slice($argv, 1)), "\\n";';
  const r = await runCli(['each', '--only', 'campus.example.edu/*', '--json', '--keep-logs', '--logs', join(dir, 'json-logs'), '--', 'php', '-r', code, '--', '--json'], {
    VMOODLE_REGISTRY: registryDsn,
  });
  assert.equal(r.code, 0, r.stderr);
  const body = JSON.parse(r.stdout) as { totals: { sites: number; ok: number }; results: Array<{ host: string; status: string; exitCode: number; log: string }> };
  assert.deepEqual(body.results.map((x) => [x.host, x.status, x.exitCode]), [['campus.example.edu/law', 'ok', 0]]);
  assert.equal(readFileSync(body.results[0]!.log, 'utf8'), 'campus.example.edu/law https://campus.example.edu/law --json\n');

  const two = await runCli(['each', '--only', 'site01.*,site02.*', '--json', '--', 'php', '-r', 'exit(0);'], { VMOODLE_REGISTRY: registryDsn });
  assert.equal(two.code, 0, two.stderr);
  assert.deepEqual((JSON.parse(two.stdout) as { results: Array<{ host: string }> }).results.map((x) => x.host), ['site01.example.edu', 'site02.example.edu']);
});

test('usage errors name the bad argument and exit 2', async () => {
  const env = { VMOODLE_REGISTRY: registryDsn };
  const cases: Array<[string[], RegExp]> = [
    [['each', '--', 'no-such-command-here'], /COMMAND: "no-such-command-here" was not found/],
    [['each', '--only', 'nothing.example.org', '--', 'true'], /--only: no enabled tenant matches "nothing\.example\.org"/],
    [['each', '--timeout', 'soon', '--', 'true'], /--timeout: must be a number of seconds/],
    [['each', 'true'], /true: unexpected argument|COMMAND: missing/],
    [['each', '--sidecar', 'tcp:1', '--', 'true'], /--sidecar: must be unix:/],
    [['cron', '--moodle', dir], /--moodle: .* is not a Moodle code folder/],
    [['cron', '--moodle', moodle, '--keep-alive', 'x'], /--keep-alive/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args, env);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  const help = await runCli(['cron', '--help'], env);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: vmoodle cron/);
});
