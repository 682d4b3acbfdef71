// vmoodle snapshot / restore with real processes: a private MariaDB, tenants made by the real
// terraform, the vmoodle CLI in a child process. Shows: the restored clone equals the source
// table by table except the rows that carry the URL; its data folder is identical minus caches;
// a snapshot taken while another connection keeps writing is consistent (one transaction); the
// dump works as a vmoodle_tenant template as it is; damaged snapshots and bad arguments are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createConnection, type Connection } from 'mysql2/promise';
import { startFleet, registryRows, REGISTRY_DB, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK } from '../helpers/terraform';
import { moodleFixturePath } from '../helpers/mariadb';
import type { SnapshotManifest } from '../../cli/snapshot/manifest';
import { runCli, tableChecksums, tree, sha256Of, type CliResult } from './helpers';

let fleet: Fleet;
let env: NodeJS.ProcessEnv;
const work = mkdtempSync(join(tmpdir(), 'vmoodle-snap-test-'));
const SOURCE = 'source.example.edu';
const CLONE = 'clone.example.edu';
const EXCLUDED = ['cache', 'localcache', 'temp', 'sessions', 'lock', 'trashdir'];

function tenantHcl(label: string, host: string, extra = ''): string {
  return `
resource "vmoodle_tenant" "${label}" {
  host                = "${host}"
  name                = "${label} site"
  shortname           = "${label}"
  database            = { name = "moodle_${label}" }
  deletion_protection = false
  ${extra}
}
`;
}

function config(withTemplateTenant: string | null): string {
  return (
    PROVIDER_BLOCK +
    tenantHcl('source', SOURCE, `template = "${moodleFixturePath()}"`) +
    tenantHcl('clone', CLONE) +
    (withTemplateTenant ? tenantHcl('fromtpl', 'fromtpl.example.edu', `template = "${withTemplateTenant}"`) : '')
  );
}

async function tf(args: string[]): Promise<void> {
  const r = await fleet.ws.tf([...args, '-no-color']);
  assert.equal(r.code, 0, `terraform ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
}

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, env);
}

async function rows(db: string, table: string): Promise<Record<string, unknown>[]> {
  const [r] = await fleet.admin.query(`SELECT * FROM \`${db}\`.\`${table}\` ORDER BY id`);
  // Through JSON: Buffers, Dates and big numbers become plain comparable values.
  return (r as Record<string, unknown>[]).map((row) => JSON.parse(JSON.stringify(row)) as Record<string, unknown>);
}

/** Fills the source site with data that exercises every literal path of the dump. */
async function fillSourceDatabase(): Promise<void> {
  const db = 'moodle_source';
  await fleet.admin.query(`UPDATE ${db}.mdl_course SET summary = ? WHERE id = 1`, [`<p>See <a href="https://${SOURCE}/mod/page/view.php?id=3">the page</a> and https://${SOURCE}/</p>`]);
  await fleet.admin.query(
    `CREATE TABLE ${db}.mdl_vmoodle_test_values (
       id BIGINT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
       data LONGBLOB NULL, note VARCHAR(255) NULL, body LONGTEXT NULL,
       amount DECIMAL(20,6) NULL, ratio DOUBLE NULL, small FLOAT NULL, big BIGINT NULL,
       at DATETIME NULL, stamp TIMESTAMP NULL DEFAULT NULL, flag BIT(3) NULL, doubled BIGINT AS (id * 2) VIRTUAL
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  );
  const nasty = "quote ' double \" backslash \\ nul \0 newline \n cr \r ctrl-z \x1a tab \t emoji 😀 accents éà ";
  await fleet.admin.query('SET SESSION sql_mode = CONCAT(@@sql_mode, ",NO_AUTO_VALUE_ON_ZERO")');
  await fleet.admin.query(
    `INSERT INTO ${db}.mdl_vmoodle_test_values (id, data, note, body, amount, ratio, small, big, at, stamp, flag) VALUES
       (0, ?, 'row with id 0', ?, 123456789.123456, 0.1, 3.14159, 9007199254740993, '2024-02-29 23:59:59', '2038-01-19 03:14:07', b'101'),
       (7, ?, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
       (8, '', '', '', -0.000001, -1.5e300, 1e-20, -9223372036854775808, '1000-01-01 00:00:00', '1970-01-01 00:00:01', b'0')`,
    [randomBytes(300_000), nasty.repeat(50), Buffer.from([0, 39, 34, 92, 10, 13, 26, 255, 254, 0xc3])],
  );
  await fleet.admin.query("SET SESSION sql_mode = REPLACE(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO', '')");
}

/** A Moodle-like data folder: file pool, a long path (pax), UTF-8 names, modes, a symlink, caches. */
function fillSourceDataroot(root: string): void {
  const hash = 'ab34cd56ef7890ab34cd56ef7890ab34cd56ef78';
  mkdirSync(join(root, 'filedir', 'ab', '34'), { recursive: true });
  writeFileSync(join(root, 'filedir', 'ab', '34', hash), randomBytes(700_000));
  const deep = join(root, 'repository', 'a-rather-long-folder-name-to-pass-the-ustar-limit', 'and-another-long-one-to-be-sure-of-it');
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'file-with-a-long-name-too-so-the-path-is-well-past-one-hundred-bytes.txt'), 'deep\n');
  mkdirSync(join(root, 'lang', 'été'), { recursive: true });
  writeFileSync(join(root, 'lang', 'été', 'résumé ✓.txt'), 'unicode\n');
  writeFileSync(join(root, 'empty.txt'), '');
  mkdirSync(join(root, 'emptydir'));
  writeFileSync(join(root, 'secret.txt'), 'mode 0600\n');
  chmodSync(join(root, 'secret.txt'), 0o600);
  mkdirSync(join(root, 'readonly'));
  writeFileSync(join(root, 'readonly', 'inside.txt'), 'x');
  chmodSync(join(root, 'readonly'), 0o550);
  symlinkSync(`filedir/ab/34/${hash}`, join(root, 'link-to-file'));
  mkdirSync(join(root, 'muc'));
  writeFileSync(join(root, 'muc', 'config.php'), '<?php $configuration = [];\n');
  for (const d of EXCLUDED) {
    mkdirSync(join(root, d, 'sub'), { recursive: true });
    writeFileSync(join(root, d, 'sub', 'junk.bin'), randomBytes(1000));
  }
}

before(async () => {
  fleet = await startFleet();
  env = { VMOODLE_REGISTRY: `${fleet.server.adminDsn}${REGISTRY_DB}`, VMOODLE_SERVER_DEFAULT: fleet.server.adminDsn };
  fleet.ws.write({ 'main.tf': config(null) });
  await tf(['init', '-input=false']);
  await tf(['apply', '-auto-approve', '-input=false']);
  await fillSourceDatabase();
  fillSourceDataroot(join(fleet.datarootBase, 'source'));
});

after(async () => {
  await fleet?.stop();
});

test('snapshot → restore into another host: same tables except the rewritten URL rows, same files minus caches', async () => {
  const snap = join(work, 'snap1');
  const s = await cli(['snapshot', SOURCE, '--out', snap, '--json']);
  assert.equal(s.code, 0, s.stderr);
  const { manifest } = JSON.parse(s.stdout) as { manifest: SnapshotManifest };
  assert.equal(manifest.tenant.host, SOURCE);
  assert.equal(manifest.moodle.version, '2025100600.13');
  assert.match(manifest.moodle.release ?? '', /^5\.1/);
  assert.equal(manifest.moodle.wwwroot, `https://${SOURCE}`);
  assert.equal(manifest.database.sha256, sha256Of(join(snap, 'database.sql.gz')));
  assert.equal(manifest.dataroot?.sha256, sha256Of(join(snap, 'dataroot.tar.gz')));
  assert.deepEqual(manifest.dataroot?.excluded, [...EXCLUDED].sort());
  // Progress is on stderr as plain lines (not a terminal), stdout is only the JSON.
  assert.match(s.stderr, /database moodle_source: .*tables/);

  // No credential anywhere in the snapshot.
  const source = (await registryRows(fleet.admin)).find((r) => r.host === SOURCE)!;
  const dump = gunzipSync(readFileSync(join(snap, 'database.sql.gz'))).toString('utf8');
  for (const text of [readFileSync(join(snap, 'manifest.json'), 'utf8'), dump, s.stdout, s.stderr]) assert.ok(!text.includes(source.dbpass));
  assert.doesNotMatch(dump, /^\s*(USE|CREATE DATABASE)\b/im);

  // GNU tar reads our archive, and the caches are not in it.
  const listing = spawnSync('tar', ['-tzf', join(snap, 'dataroot.tar.gz')], { encoding: 'utf8' });
  assert.equal(listing.status, 0, listing.stderr);
  assert.ok(listing.stdout.includes('repository/a-rather-long-folder-name-to-pass-the-ustar-limit/and-another-long-one-to-be-sure-of-it/file-with-a-long-name-too'));
  assert.ok(!listing.stdout.split('\n').some((l) => EXCLUDED.some((d) => l === d || l.startsWith(`${d}/`))));

  const r = await cli(['restore', snap, '--host', CLONE, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { database: { wwwrootFrom: string; wwwrootTo: string; rowsRewritten: number; siteIdentifierReset: boolean } };
  assert.equal(report.database.wwwrootFrom, `https://${SOURCE}`);
  assert.equal(report.database.wwwrootTo, `https://${CLONE}`);
  assert.ok(report.database.siteIdentifierReset);

  // Table by table: equal checksums, except the tables holding the URL, which are equal row by row
  // once the old URL is replaced by the new one (and the clone's own site identifier set aside).
  const before = await tableChecksums(fleet.admin, 'moodle_source');
  const afterRestore = await tableChecksums(fleet.admin, 'moodle_clone');
  assert.deepEqual([...afterRestore.keys()], [...before.keys()]);
  const differing = [...before.keys()].filter((t) => before.get(t) !== afterRestore.get(t));
  assert.deepEqual(differing.sort(), ['mdl_config', 'mdl_course', 'mdl_mnet_host']);
  for (const t of differing) {
    const moved = (await rows('moodle_source', t)).map((row) => JSON.parse(JSON.stringify(row).split(SOURCE).join(CLONE)) as Record<string, unknown>);
    const got = await rows('moodle_clone', t);
    const drop = (list: Record<string, unknown>[]): Record<string, unknown>[] => list.filter((x) => !(t === 'mdl_config' && x.name === 'siteidentifier'));
    assert.deepEqual(drop(got), drop(moved), t);
  }
  const [ids] = await fleet.admin.query("SELECT (SELECT value FROM moodle_source.mdl_config WHERE name='siteidentifier') AS a, (SELECT value FROM moodle_clone.mdl_config WHERE name='siteidentifier') AS b");
  const { a, b } = (ids as Array<{ a: string; b: string }>)[0]!;
  assert.notEqual(a, b);
  assert.ok(b.endsWith(CLONE));

  // Files: identical tree (types, modes, sizes, sha256, link targets), caches left out.
  assert.deepEqual(tree(join(fleet.datarootBase, 'clone')), tree(join(fleet.datarootBase, 'source'), EXCLUDED));

  // A second restore over a site that now has content needs --yes, named in the error.
  const again = await cli(['restore', snap, '--host', CLONE]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /--yes/);
  const forced = await cli(['restore', snap, '--host', CLONE, '--yes']);
  assert.equal(forced.code, 0, forced.stderr);
});

test('a snapshot taken while another connection keeps writing is consistent (one transaction)', async () => {
  const db = 'moodle_source';
  // Enough rows before mdl_config (in dump order) that the dump takes a while.
  await fleet.admin.query(`INSERT INTO ${db}.mdl_cache_flags (flagtype, name, timemodified, value, expiry) SELECT 'bulk', CONCAT('n', seq), 0, REPEAT('x', 120), 0 FROM ${db}.seq_1_to_100000`);
  await fleet.admin.query(`INSERT INTO ${db}.mdl_config (name, value) VALUES ('vmoodle_test_counter', '0')`);

  // The writer: every transaction adds one flag row AND bumps the counter, so count(rows) = counter
  // holds in any consistent read. mdl_cache_flags is dumped before mdl_config: a dump without one
  // transaction would see a counter ahead of the rows.
  const writer: Connection = await createConnection({ host: '127.0.0.1', port: fleet.server.port, user: fleet.server.adminUser, password: fleet.server.adminPassword });
  let writing = true;
  let commits = 0;
  const loop = (async () => {
    while (writing) {
      await writer.query('START TRANSACTION');
      await writer.query(`INSERT INTO ${db}.mdl_cache_flags (flagtype, name, timemodified, value, expiry) VALUES ('written', ?, 0, 'v', 0)`, [`w${commits}`]);
      await writer.query(`UPDATE ${db}.mdl_config SET value = value + 1 WHERE name = 'vmoodle_test_counter'`);
      await writer.query('COMMIT');
      commits++;
    }
  })();
  while (commits < 20) await new Promise((r) => setTimeout(r, 10));
  const startCommits = commits;
  const snap = join(work, 'snap-busy');
  const s = await cli(['snapshot', SOURCE, '--out', snap, '--database-only']);
  const duringCommits = commits - startCommits;
  writing = false;
  await loop;
  await writer.end();
  assert.equal(s.code, 0, s.stderr);
  assert.ok(duringCommits > 20, `the writer committed only ${duringCommits} transactions during the snapshot`);

  const r = await cli(['restore', snap, '--host', CLONE, '--yes', '--database-only']);
  assert.equal(r.code, 0, r.stderr);
  const [got] = await fleet.admin.query(
    "SELECT (SELECT COUNT(*) FROM moodle_clone.mdl_cache_flags WHERE flagtype = 'written') AS n, (SELECT value FROM moodle_clone.mdl_config WHERE name = 'vmoodle_test_counter') AS counter",
  );
  const { n, counter } = (got as Array<{ n: number; counter: string }>)[0]!;
  assert.equal(Number(counter), Number(n), 'rows and counter come from the same instant');
  assert.ok(Number(n) >= startCommits && Number(n) < commits, `the snapshot holds ${n} of ${commits} writes: taken while writing went on`);
  const [bulk] = await fleet.admin.query("SELECT COUNT(*) AS n FROM moodle_clone.mdl_cache_flags WHERE flagtype = 'bulk'");
  assert.equal(Number((bulk as Array<{ n: number }>)[0]!.n), 100000);
});

test('the dump is a vmoodle_tenant template as it is: terraform creates a site from it', async () => {
  const snap = join(work, 'snap1');
  fleet.ws.write({ 'main.tf': config(join(snap, 'database.sql.gz')) });
  await tf(['apply', '-auto-approve', '-input=false']);
  const [local] = await fleet.admin.query('SELECT wwwroot FROM moodle_fromtpl.mdl_mnet_host WHERE id = 1');
  assert.equal((local as Array<{ wwwroot: string }>)[0]!.wwwroot, 'https://fromtpl.example.edu');
  assert.deepEqual(await rows('moodle_fromtpl', 'mdl_vmoodle_test_values'), await rows('moodle_source', 'mdl_vmoodle_test_values'));
});

test('bad arguments and damaged snapshots are refused with the argument or part named', async () => {
  const help = await cli(['snapshot', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: vmoodle snapshot HOST --out DIR/);

  const noOut = await cli(['snapshot', SOURCE]);
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--out/);

  const badHost = await cli(['snapshot', 'not a host', '--out', join(work, 'x')]);
  assert.equal(badHost.code, 2);
  assert.match(badHost.stderr, /HOST/);

  const unknown = await cli(['snapshot', 'nobody.example.edu', '--out', join(work, 'x')]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no active tenant has host "nobody\.example\.edu"/);
  assert.ok(!existsSync(join(work, 'x')), 'nothing is left behind');

  const notEmpty = await cli(['snapshot', SOURCE, '--out', join(work, 'snap1')]);
  assert.equal(notEmpty.code, 2);
  assert.match(notEmpty.stderr, /--out: .* is not empty/);

  const noRegistry = await runCli(['snapshot', SOURCE, '--out', join(work, 'y')], {});
  assert.equal(noRegistry.code, 2);
  assert.match(noRegistry.stderr, /--registry/);

  // A damaged part is caught by its sha256 before the target is touched.
  const damaged = join(work, 'damaged');
  mkdirSync(damaged);
  for (const f of ['manifest.json', 'database.sql.gz', 'dataroot.tar.gz']) copyFileSync(join(work, 'snap1', f), join(damaged, f));
  appendFileSync(join(damaged, 'dataroot.tar.gz'), 'x');
  const before = await tableChecksums(fleet.admin, 'moodle_clone');
  const r = await cli(['restore', damaged, '--host', CLONE, '--yes']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /dataroot\.tar\.gz does not match the manifest/);
  assert.deepEqual(await tableChecksums(fleet.admin, 'moodle_clone'), before);

  const noHost = await cli(['restore', join(work, 'snap1')]);
  assert.equal(noHost.code, 2);
  assert.match(noHost.stderr, /--host/);
});
