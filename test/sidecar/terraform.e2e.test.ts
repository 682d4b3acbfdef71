// The whole chain with real parts: terraform applies tenants, the sidecar (reading the registry as a
// SELECT-only user) serves them, and Moodle's config include under `php -S` connects each Host to
// its own database with the credentials it was handed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { createConnection } from 'mysql2/promise';
import { startFleet, registryRows, REGISTRY_DB, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK } from '../helpers/terraform';
import { freePort } from '../../lib/mariadb-server';
import { startSidecar, request, resolvePath, waitFor, PHP_INCLUDE, type SidecarProcess } from './helpers';
import { startPhpServer, type PhpServer } from './php-env';

const POLL_MS = 300;
let fleet: Fleet;
let sidecar: SidecarProcess;
let php: PhpServer;
let socket: string;
let stateDir: string;

function config(physicsHost: string): string {
  const t = (name: string, host: string, extra = ''): string => `
resource "vmoodle_tenant" "${name}" {
  host                = "${host}"
  name                = "${name}"
  shortname           = "${name}"
  database            = { name = "moodle_${name}" }
  deletion_protection = false
  ${extra}
}
`;
  return PROVIDER_BLOCK + t('physics', physicsHost, 'config = { theme = "classic" }') + t('maths', 'maths.example.edu') + t('closed', 'closed.example.edu', 'enabled = false');
}

async function apply(physicsHost: string): Promise<void> {
  fleet.ws.write({ 'main.tf': config(physicsHost) });
  await fleet.ws.ok(['apply', '-auto-approve', '-input=false', '-no-color']);
}

before(async () => {
  fleet = await startFleet();
  fleet.ws.write({ 'main.tf': config('physics.example.edu') });
  await fleet.ws.ok(['init', '-input=false', '-no-color']);
  await apply('physics.example.edu');
  await fleet.admin.query("CREATE USER 'sidecar_ro'@'%' IDENTIFIED BY 'ro-secret-123'");
  await fleet.admin.query(`GRANT SELECT ON ${REGISTRY_DB}.* TO 'sidecar_ro'@'%'`);
  stateDir = mkdtempSync(join(tmpdir(), 'vmoodle-sidecar-'));
  socket = join(stateDir, 'sidecar.sock');
  sidecar = startSidecar(['--state-dir', stateDir, '--poll-interval', String(POLL_MS), '--log-level', 'warn'], {
    VMOODLE_SIDECAR_REGISTRY: `mysql://sidecar_ro:ro-secret-123@127.0.0.1:${fleet.server.port}/${REGISTRY_DB}`,
  });
  await waitFor('sidecar ready', async () => (await request({ socketPath: socket }, '/readyz')).status === 200);

  // A stand-in Moodle: config.php with the include, then proof that $CFG opens the right database.
  const moodle = mkdtempSync(join(tmpdir(), 'vmoodle-moodle-'));
  writeFileSync(
    join(moodle, 'router.php'),
    `<?php
unset($CFG); global $CFG; $CFG = new stdClass();
$CFG->dirroot = __DIR__;
$CFG->vmoodle_map = ${JSON.stringify(join(stateDir, 'vmoodle-map.php'))};
$CFG->vmoodle_socket = ${JSON.stringify(socket)};
require ${JSON.stringify(PHP_INCLUDE)};
$port = isset($CFG->dboptions['dbport']) ? (int)$CFG->dboptions['dbport'] : 3306;
$db = new mysqli($CFG->dbhost, $CFG->dbuser, $CFG->dbpass, $CFG->dbname, $port);
$row = $db->query('SELECT DATABASE() AS d')->fetch_assoc();
header('Content-Type: application/json');
echo json_encode(['wwwroot' => $CFG->wwwroot, 'dbname' => $CFG->dbname, 'connected_to' => $row['d'], 'dataroot' => $CFG->dataroot, 'theme' => $CFG->theme ?? null]);
`,
  );
  php = await startPhpServer(moodle, await freePort());
});

after(async () => {
  await php?.stop();
  await sidecar?.stop();
  await fleet?.stop();
});

// fetch() may not set Host (a forbidden header), node:http may.
function viaPhp(host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: php.port, path: '/index.php', headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('terraform-applied tenants resolve with credentials that open their own database', async () => {
  const rows = await registryRows(fleet.admin);
  for (const host of ['physics.example.edu', 'maths.example.edu']) {
    const r = await request({ socketPath: socket }, resolvePath(host));
    assert.equal(r.status, 200, r.text);
    const cfg = r.json<{ wwwroot: string; dbname: string; dbuser: string; dbpass: string; dataroot: string; dboptions: { dbport?: number } }>();
    const row = rows.find((x) => x.host === host)!;
    assert.equal(cfg.wwwroot, `https://${host}`);
    assert.equal(cfg.dataroot, row.dataroot);
    const conn = await createConnection({ host: '127.0.0.1', port: cfg.dboptions.dbport, user: cfg.dbuser, password: cfg.dbpass, database: cfg.dbname });
    const [db] = await conn.query('SELECT DATABASE() AS d');
    assert.equal((db as Array<{ d: string }>)[0]!.d, row.dbname);
    await conn.end();
  }
  assert.equal((await request({ socketPath: socket }, resolvePath('closed.example.edu'))).status, 423);
  assert.equal((await request({ socketPath: socket }, resolvePath('nobody.example.edu'))).status, 404);
});

test('the PHP include picks the site by Host and fails closed', async () => {
  const physics = await viaPhp('physics.example.edu');
  assert.equal(physics.status, 200, physics.body);
  assert.deepEqual(JSON.parse(physics.body), {
    wwwroot: 'https://physics.example.edu',
    dbname: 'moodle_physics',
    connected_to: 'moodle_physics',
    dataroot: join(fleet.datarootBase, 'physics'),
    theme: 'classic',
  });
  const maths = JSON.parse((await viaPhp('MATHS.example.edu:443')).body) as { connected_to: string };
  assert.equal(maths.connected_to, 'moodle_maths');
  assert.equal((await viaPhp('nobody.example.edu')).status, 404);
  assert.equal((await viaPhp('closed.example.edu')).status, 503);
});

test('a host renamed by terraform is served within one poll interval', async () => {
  await apply('phys.example.edu');
  const applied = Date.now();
  await waitFor('renamed host served', async () => (await request({ socketPath: socket }, resolvePath('phys.example.edu'))).status === 200, 10_000, 20);
  const took = Date.now() - applied;
  assert.ok(took <= POLL_MS * 2 + 500, `served after ${took} ms`);
  assert.equal((await request({ socketPath: socket }, resolvePath('physics.example.edu'))).status, 404);
  // The PHP map is rewritten with the same snapshot.
  await waitFor('php sees the new host', async () => (await viaPhp('phys.example.edu')).status === 200, 5000);
  assert.equal((await viaPhp('physics.example.edu')).status, 404);
  assert.equal(sidecar.output().includes('ro-secret-123'), false);
});
