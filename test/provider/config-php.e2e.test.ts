// Devirtualisation end to end: data "vmoodle_config_php" (real terraform) and `vmoodle config-php`
// render a standalone config.php that `php -l` accepts and that, included by php, yields the very
// $CFG the real vmoodle-sidecar process serves through the PHP include (map fast path and unix
// socket) for the same tenant, passwords and forced settings with awkward characters included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, registryRows, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK } from '../helpers/terraform';
import { startSidecar, request, waitFor, PHP_INCLUDE, REPO, type SidecarProcess } from '../sidecar/helpers';

let fleet: Fleet;
let dir: string;
let sidecar: SidecarProcess | undefined;
const CLI = join(REPO, 'dist', 'cli', 'main.js');

/** Would break naive quoting in PHP, SQL, shell or JSON. */
const NASTY_PASS = "p'w\\\"?> <?php ${x} `id` \\";
const NASTY_FOOTER = "It's a \\ test ?> <?php echo 1; $y\nsecond line";

function hcl(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/([$%])\{/g, (_m, c: string) => `${c}${c}{`)}"`;
}

const CONFIG =
  PROVIDER_BLOCK +
  `
resource "vmoodle_tenant" "physics" {
  host      = "physics.example.edu"
  name      = "Physics"
  shortname = "physics"
  database  = { name = "moodle_physics", password = ${hcl(NASTY_PASS)} }
  config = {
    theme            = "boost"
    forcelogin       = "1"
    customfootertext = ${hcl(NASTY_FOOTER)}
  }
  deletion_protection = false
}

resource "vmoodle_tenant" "chemistry" {
  host                = "moodle.example.edu/chem"
  https               = false
  name                = "Chemistry"
  shortname           = "chemistry"
  database            = { name = "moodle_chemistry", prefix = "c_" }
  deletion_protection = false
}

data "vmoodle_config_php" "physics" {
  tenant = vmoodle_tenant.physics.id
}

output "physics_config" {
  value     = data.vmoodle_config_php.physics.content
  sensitive = true
}
`;

type Cfg = Record<string, unknown>;

/** Runs a config.php the way Moodle would, with lib/setup.php replaced by a dump of $CFG. */
function runStandalone(content: string, name: string): { cfg: Cfg; lint: string } {
  const site = join(dir, `site-${name}`);
  mkdirSync(join(site, 'lib'), { recursive: true });
  writeFileSync(join(site, 'config.php'), content);
  writeFileSync(join(site, 'lib', 'setup.php'), '<?php echo json_encode($CFG);\n');
  const lint = spawnSync('php', ['-l', join(site, 'config.php')], { encoding: 'utf8' });
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  const r = spawnSync('php', [join(site, 'config.php')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.equal(r.status, 0, r.stderr);
  return { cfg: JSON.parse(r.stdout) as Cfg, lint: lint.stdout };
}

/**
 * The fleet's shared config.php (what Moodle's installer writes, then the vmoodle include), run on
 * the CLI for one tenant: the $CFG the sidecar serves. The include's own markers (vmoodle_*) are
 * dropped: they say how the site was found, which a standalone site no longer needs.
 */
function runFleet(host: string, via: 'map' | 'socket'): Cfg {
  const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const file = join(dir, `fleet-${via}.php`);
  writeFileSync(
    file,
    [
      '<?php',
      'unset($CFG);',
      'global $CFG;',
      '$CFG = new stdClass();',
      "$CFG->dboptions = ['dbpersist' => 0, 'dbport' => '', 'dbsocket' => '', 'dbcollation' => 'utf8mb4_unicode_ci'];",
      "$CFG->admin = 'admin';",
      '$CFG->directorypermissions = 02777;',
      `$CFG->vmoodle_map = ${lit(via === 'map' ? join(dir, 'state', 'vmoodle-map.php') : join(dir, 'no-such-map.php'))};`,
      `$CFG->vmoodle_socket = ${lit(join(dir, 'state', 'sidecar.sock'))};`,
      `require ${lit(PHP_INCLUDE)};`,
      'echo json_encode($CFG);',
      '',
    ].join('\n'),
  );
  const r = spawnSync('php', [file], { encoding: 'utf8', env: { PATH: process.env.PATH, VMOODLE_HOST: host } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const cfg = JSON.parse(r.stdout) as Cfg;
  assert.equal(cfg.vmoodle_via, via === 'map' ? 'map' : 'sidecar');
  for (const key of Object.keys(cfg)) if (key.startsWith('vmoodle_')) delete cfg[key];
  return cfg;
}

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'config-php', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, VMOODLE_REGISTRY: fleet.ws.env.VMOODLE_REGISTRY } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  fleet = await startFleet();
  dir = mkdtempSync(join(tmpdir(), 'vmoodle-configphp-'));
});

after(async () => {
  await sidecar?.stop();
  await fleet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('terraform renders config.php as a sensitive value; the password never shows', async () => {
  fleet.ws.write({ 'main.tf': CONFIG });
  await fleet.ws.ok(['init', '-input=false', '-no-color']);
  const apply = await fleet.ws.ok(['apply', '-auto-approve', '-input=false', '-no-color']);
  const plan = await fleet.ws.ok(['plan', '-input=false', '-no-color']);
  for (const out of [apply.stdout + apply.stderr, plan.stdout + plan.stderr]) {
    assert.doesNotMatch(out, /\$CFG->dbpass/, 'the content is never shown');
    for (const row of await registryRows(fleet.admin)) assert.ok(!out.includes(row.dbpass), 'no password in terraform output');
  }
});

test('the rendered file passes php -l and yields the $CFG the real sidecar serves (map and socket)', async () => {
  const content = (await fleet.ws.ok(['output', '-raw', 'physics_config'])).stdout;
  const { cfg, lint } = runStandalone(content, 'physics');
  assert.match(lint, /No syntax errors detected/);
  // Not a vacuous comparison: the awkward values made it through.
  assert.equal(cfg.dbpass, NASTY_PASS);
  assert.equal(cfg.customfootertext, NASTY_FOOTER);
  assert.equal(cfg.wwwroot, 'https://physics.example.edu');
  assert.equal(cfg.dbname, 'moodle_physics');

  mkdirSync(join(dir, 'state'), { mode: 0o700 });
  sidecar = startSidecar(['--registry', fleet.ws.env.VMOODLE_REGISTRY!, '--state-dir', join(dir, 'state'), '--poll-interval', '300']);
  await waitFor('sidecar ready', async () => (await request({ socketPath: join(dir, 'state', 'sidecar.sock') }, '/readyz')).status === 200, 15_000);
  assert.deepStrictEqual(cfg, runFleet('physics.example.edu', 'map'));
  assert.deepStrictEqual(cfg, runFleet('physics.example.edu', 'socket'));
});

test('vmoodle config-php HOST prints the same text, handles subpath tenants, writes 0600 files, refuses unknown hosts', () => {
  const physics = cli(['physics.example.edu']);
  assert.equal(physics.code, 0, physics.stderr);
  assert.equal(physics.stdout, readFileSync(join(dir, 'site-physics', 'config.php'), 'utf8'), 'CLI and data source render the same text');

  const out = join(dir, 'chem-config.php');
  writeFileSync(out, 'old', { mode: 0o644 });
  const chem = cli(['Moodle.Example.EDU/chem', '--output', out]);
  assert.equal(chem.code, 0, chem.stderr);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const { cfg } = runStandalone(readFileSync(out, 'utf8'), 'chem');
  assert.equal(cfg.wwwroot, 'http://moodle.example.edu/chem');
  assert.equal(cfg.prefix, 'c_');
  assert.deepStrictEqual(cfg, runFleet('moodle.example.edu/chem', 'map'));

  const unknown = cli(['nowhere.example.edu']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no active tenant has host nowhere\.example\.edu/);
  const usage = cli([]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage: vmoodle config-php HOST/);
});
