// The files the sidecar keeps: atomic writes and modes, the state file's checks, the PHP map's
// literals (read back by the real php) and its opcache-friendly modification times.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../../sidecar/atomic-write';
import { saveStateFile, loadStateFile, StateFileError } from '../../sidecar/state-file';
import { phpString, phpValue, renderPhpMap, writePhpMap, mapMtimeSeconds } from '../../sidecar/php-map';
import { tenantFromRegistryRow, InvalidTenantError, type RegistryTenantRow } from '../../sidecar/tenant-record';
import type { TenantRecord } from '../../generated/sidecar-types';

const execFileP = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vmoodle-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function record(over: Partial<TenantRecord> = {}): TenantRecord {
  return {
    id: 't1', key: 'a.example.test', host: 'a.example.test', subpath: null, enabled: true, name: 'A', shortname: 'a',
    wwwroot: 'https://a.example.test', server: 'default', dbtype: 'mariadb', dbhost: 'db', dbport: 3306, dbsocket: null,
    dbname: 'moodle_a', dbuser: 'u', dbpass: 'p', prefix: 'mdl_', dataroot: '/srv/a', config: {}, ...over,
  };
}

test('writeFileAtomic: exact mode whatever the umask, no temp file left, content replaced whole', async () => {
  const p = join(dir, 'atomic.txt');
  await writeFileAtomic(p, 'one', 0o640);
  await writeFileAtomic(p, 'two', 0o600);
  assert.equal(readFileSync(p, 'utf8'), 'two');
  assert.equal(statSync(p).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
});

test('state file: round trip, then every kind of damage is refused with a reason', async () => {
  const p = join(dir, 'snapshot.json');
  const tenants = [record(), record({ id: 't2', key: 'b.example.test/m1', host: 'b.example.test', subpath: 'm1', config: { theme: 'x' } })];
  await saveStateFile(p, { generation: 7, readAt: Date.UTC(2026, 0, 1), tenants });
  assert.equal(statSync(p).mode & 0o777, 0o600);
  const back = await loadStateFile(p);
  assert.deepEqual(back, { generation: 7, readAt: Date.UTC(2026, 0, 1), tenants });
  assert.equal(await loadStateFile(join(dir, 'none.json')), null);

  const good = readFileSync(p, 'utf8');
  const doc = JSON.parse(good) as Record<string, unknown>;
  const damaged: Array<[string, string]> = [
    ['', 'empty'],
    [good.slice(0, 100), 'truncated'],
    ['[]', 'not an object'],
    [JSON.stringify({ ...doc, format: 2 }), 'format'],
    [JSON.stringify({ ...doc, generation: -1 }), 'generation'],
    [JSON.stringify({ ...doc, checksum: '0'.repeat(64) }), 'checksum'],
    [good.replace('moodle_a', 'moodle_z'), 'edited content'],
  ];
  for (const [content, what] of damaged) {
    writeFileSync(p, content);
    await assert.rejects(loadStateFile(p), StateFileError, what);
  }
});

test('registry rows are validated before they are served', () => {
  const row: RegistryTenantRow = {
    id: 'x', host: 'a.example.test', enabled: 1, name: 'A', shortname: 'a', wwwroot: 'https://a.example.test', server: 'default',
    dbtype: 'mariadb', dbhost: 'db', dbport: null, dbsocket: null, dbname: 'moodle_a', dbuser: 'u', dbpass: "p'\\", prefix: 'mdl_',
    dataroot: '/srv/a', config: '{"theme":"boost"}',
  };
  assert.equal(tenantFromRegistryRow(row).config.theme, 'boost');
  const bad: Array<[Partial<RegistryTenantRow>, string]> = [
    [{ host: 'A.example.test' }, 'host not normalised'],
    [{ host: "a'.example.test" }, 'host with a quote'],
    [{ host: '10.0.0.1' }, 'IP literal'],
    [{ wwwroot: 'javascript:alert(1)' }, 'wwwroot scheme'],
    [{ wwwroot: 'https://a.example.test/' }, 'wwwroot trailing slash'],
    [{ dbtype: 'oracle' }, 'dbtype'],
    [{ prefix: "mdl'" }, 'prefix'],
    [{ dataroot: 'relative/path' }, 'dataroot'],
    [{ dbname: 'a\nb' }, 'control character'],
    [{ dbpass: 'a\u0000b' }, 'NUL in password'],
    [{ dbport: 70000 }, 'port'],
    [{ config: '{"dbname":"other"}' }, 'reserved config name'],
    [{ config: '{"vmoodle_map":"/tmp/x"}' }, 'vmoodle_ config name'],
    [{ config: '{"a-b":1}' }, 'config name not an identifier'],
    [{ config: '[1]' }, 'config not an object'],
    [{ config: '{' }, 'config not JSON'],
  ];
  for (const [over, what] of bad) assert.throws(() => tenantFromRegistryRow({ ...row, ...over }), InvalidTenantError, what);
});

test('PHP literals: php reads back exactly what was written', async () => {
  const nasty = ["'", '\\', "\\'", "'; system('id'); '", '?><?php echo 1; ?>', '${x} {$y} $z', 'line\nbreak', 'é ü 中', '\\\\\''];
  const values: unknown[] = [...nasty, 0, -5, 1.5, 1e21, true, false, null, [1, 'a', [2]], { k: 'v', "q'": { n: 1 } }];
  const php = `<?php return [${values.map(phpValue).join(',')}];`;
  const file = join(dir, 'literals.php');
  writeFileSync(file, php);
  const { stdout } = await execFileP('php', ['-r', `echo json_encode(include ${phpString(file)});`]);
  assert.deepEqual(JSON.parse(stdout), values);
});

test('PHP map: a valid PHP file; disabled tenants carry no credentials', async () => {
  const map = renderPhpMap(3, [record({ dbpass: "x'?>" }), record({ id: 'd', key: 'd.example.test', host: 'd.example.test', enabled: false, dbpass: 'SECRET-D' })]);
  assert.ok(!map.includes('SECRET-D'));
  const file = join(dir, 'map.php');
  await writePhpMap(file, 3, [record()]);
  assert.equal(statSync(file).mode & 0o777, 0o640);
  writeFileSync(file, map);
  const { stdout } = await execFileP('php', ['-r', `echo json_encode(include ${phpString(file)});`]);
  const m = JSON.parse(stdout) as { format: number; generation: number; tenants: Record<string, { dbpass?: string; enabled: boolean }> };
  assert.equal(m.format, 1);
  assert.equal(m.generation, 3);
  assert.equal(m.tenants['a.example.test']!.dbpass, "x'?>");
  assert.deepEqual(m.tenants['d.example.test'], { id: 'd', enabled: false });
});

test('PHP map mtime: 3 s in the past (opcache caches it at once) and always a new second (opcache sees the change)', async () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
  assert.equal(mapMtimeSeconds(now, undefined), Math.floor(now / 1000) - 3);
  assert.equal(mapMtimeSeconds(now, Math.floor(now / 1000) - 3), Math.floor(now / 1000) - 2);
  assert.equal(mapMtimeSeconds(now, 0), Math.floor(now / 1000) - 3);
  const file = join(dir, 'mtime-map.php');
  await writePhpMap(file, 1, [record()]);
  const first = Math.floor(statSync(file).mtimeMs / 1000);
  await writePhpMap(file, 2, [record()]);
  const second = Math.floor(statSync(file).mtimeMs / 1000);
  assert.ok(second > first, 'two writes within a second get distinct mtimes');
  assert.ok(second <= Date.now() / 1000 - 1);
});
