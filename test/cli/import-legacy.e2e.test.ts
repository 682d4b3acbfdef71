// vmoodle import-legacy against a legacy VMoodle fleet built in a private MariaDB: a master whose
// mdl_local_vmoodle table has VMoodle's column layout (vmoodle-inventory.md 2.1) and 25 rows, 25
// site databases loaded from the Moodle fixture with their own (or a shared) account, two MNet
// subnetworks bound the way VMoodle binds them. Then the real terraform: plan shows 27 imports and
// no change, apply imports them, the next plan is empty, and nothing of the legacy fleet changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { startFleet, REGISTRY_DB, type Fleet } from '../helpers/fleet';
import { moodleFixturePath } from '../helpers/mariadb';
import { parseDsn } from '../../provider/mysql/dsn';
import { ServerPools, openLoaderConnection } from '../../provider/mysql/pools';
import { loadSqlDump } from '../../provider/moodle/sql-loader';
import { migrateRegistry, RegistryWriter } from '../../registry/writer';
import { applySubnetwork } from '../../provider/moodle/mnet/converge';
import type { VmoodleContext } from '../../provider/provider';
import { runCli, tableChecksums, tree } from './helpers';

let fleet: Fleet;
let env: NodeJS.ProcessEnv;
let masterDsn: string;
const base = mkdtempSync(join(tmpdir(), 'vmoodle-legacy-'));
const legacyData = join(base, 'moodledata');

interface Site {
  n: number;
  vhostname: string;
  name: string;
  shortname: string;
  description: string;
  db: string;
  login: string;
  loginHost: string;
  pass: string;
  mnet: number;
  enabled: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const SITES: Site[] = Array.from({ length: 25 }, (_, i) => {
  const n = i + 1;
  const shared = n >= 21 && n <= 24;
  return {
    n,
    vhostname: n === 25 ? 'https://campus.legacy.test/law' : n === 3 ? 'http://site03.legacy.test' : n === 4 ? 'https://Site04.Legacy.TEST/' : `https://site${pad(n)}.legacy.test`,
    name: n === 2 ? 'École « Physique » ☃' : `Legacy site ${n}`,
    shortname: n === 9 ? 'site 09' : `site${pad(n)}`,
    description: n === 5 ? 'Line one\nQuote " backslash \\ and ${not_a_template} %{nor_this}' : '',
    db: `vmdl_site${pad(n)}`,
    login: shared ? 'vmoodle_shared' : `vmdl_site${pad(n)}`,
    loginHost: n === 7 ? 'localhost' : '%',
    pass: shared ? 'Shared-pass-1' : `pw'${n}"x`,
    mnet: n <= 4 ? 1 : n === 5 || n === 6 || n === 8 ? 2 : n % 2 === 0 ? 0 : -1,
    enabled: n === 6 ? 0 : 1,
  };
});

/** What the legacy fleet is: every table of the master and the sites, their accounts and grants, their data folders. */
async function fleetFingerprint(admin: Connection): Promise<string> {
  const parts: Record<string, unknown> = {};
  for (const db of ['legacy_master', ...SITES.map((s) => s.db)]) parts[db] = [...(await tableChecksums(admin, db)).entries()];
  const [accounts] = await admin.query("SELECT User, Host, Priv FROM mysql.global_priv WHERE User LIKE 'vm%' ORDER BY User, Host");
  const [grants] = await admin.query("SELECT * FROM mysql.db WHERE User LIKE 'vm%' ORDER BY User, Host, Db");
  parts.accounts = accounts;
  parts.grants = grants;
  parts.files = [...tree(legacyData).entries()];
  return JSON.stringify(parts);
}

async function buildLegacyFleet(): Promise<void> {
  const admin = fleet.admin;
  await admin.query('CREATE DATABASE legacy_master CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  // db/install.xml of local_vmoodle as Moodle's MySQL generator writes it.
  await admin.query(`CREATE TABLE legacy_master.mdl_local_vmoodle (
    id BIGINT(10) NOT NULL AUTO_INCREMENT,
    name VARCHAR(255) NOT NULL DEFAULT '',
    shortname VARCHAR(80) NOT NULL DEFAULT '',
    description LONGTEXT,
    vhostname VARCHAR(255) NOT NULL DEFAULT '',
    vdbtype VARCHAR(16) NOT NULL DEFAULT 'mysqli',
    vdbhost VARCHAR(80) NOT NULL DEFAULT 'localhost',
    vdblogin VARCHAR(16) DEFAULT 'root',
    vdbpass VARCHAR(32) DEFAULT '',
    vdbname VARCHAR(64) NOT NULL DEFAULT '',
    vdbprefix VARCHAR(10) NOT NULL DEFAULT 'mdl_',
    vdbpersist TINYINT(1) NOT NULL DEFAULT 0,
    vdatapath VARCHAR(255) NOT NULL DEFAULT '',
    mnet SMALLINT(3) NOT NULL DEFAULT 0,
    enabled TINYINT(1) NOT NULL DEFAULT 1,
    timecreated BIGINT(10) NOT NULL DEFAULT 0,
    lastcron BIGINT(11) DEFAULT 0,
    lastcrongap BIGINT(11) DEFAULT 0,
    croncount BIGINT(11) DEFAULT 0,
    metadata LONGTEXT,
    PRIMARY KEY (id)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  const adminSettings = parseDsn(fleet.server.adminDsn, 'admin');
  await admin.query("CREATE USER 'vmoodle_shared'@'%' IDENTIFIED BY 'Shared-pass-1'");
  for (const s of SITES) {
    await admin.query(`CREATE DATABASE ${s.db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await loadSqlDump(openLoaderConnection(adminSettings, s.db), moodleFixturePath());
    const wwwroot = s.vhostname.replace(/\/$/, '');
    await admin.query(`UPDATE ${s.db}.mdl_mnet_host SET wwwroot = ? WHERE id = 1`, [wwwroot]);
    if (s.login !== 'vmoodle_shared') await admin.query(`CREATE USER '${s.login}'@'${s.loginHost}' IDENTIFIED BY ${admin.escape(s.pass)}`);
    await admin.query(`GRANT ALL ON ${s.db}.* TO '${s.login}'@'${s.loginHost}'`);
    mkdirSync(join(legacyData, s.shortname.replace(' ', '_')), { recursive: true });
    writeFileSync(join(legacyData, s.shortname.replace(' ', '_'), 'marker.txt'), s.vhostname);
    await admin.query(
      `INSERT INTO legacy_master.mdl_local_vmoodle (name, shortname, description, vhostname, vdbtype, vdbhost, vdblogin, vdbpass, vdbname, vdbprefix, vdatapath, mnet, enabled, timecreated)
       VALUES (?, ?, ?, ?, 'mariadb', '127.0.0.1', ?, ?, ?, 'mdl_', ?, ?, ?, 1767225600)`,
      [s.name, s.shortname, s.description, s.vhostname, s.login, s.pass, s.db, join(legacyData, s.shortname.replace(' ', '_')) + (s.n === 10 ? '/' : ''), s.mnet, s.enabled],
    );
  }
  await bindSubnetworksAsVmoodleDid(adminSettings);
}

/**
 * The legacy subnetworks' MNet state (keys, certificates, peer rows, SSO services both ways), as
 * VMoodle's subnetwork binding leaves it. Written with the provider's own MNet code through a
 * scratch registry that is dropped afterwards, so the legacy fleet is "already peered".
 */
async function bindSubnetworksAsVmoodleDid(adminSettings: ReturnType<typeof parseDsn>): Promise<void> {
  await fleet.admin.query('CREATE DATABASE vmoodle_scratch');
  const registrySettings = { ...adminSettings, database: 'vmoodle_scratch' };
  const servers = new Map([['default', adminSettings]]);
  const pools = new ServerPools(servers, { registry: registrySettings });
  const ctx: VmoodleContext = {
    servers,
    pools,
    datarootBase: null,
    registrySettings,
    async registry() {
      await migrateRegistry(pools.registry());
      return new RegistryWriter(pools.registry());
    },
  } as VmoodleContext;
  try {
    const writer = await ctx.registry();
    const rows = new Map<number, Awaited<ReturnType<RegistryWriter['insertCreating']>>>();
    for (const s of SITES.filter((x) => x.mnet > 0 && x.enabled)) {
      const host = s.vhostname.replace(/^https?:\/\//, '').replace(/\/$/, '').toLowerCase();
      await writer.insertCreating({
        id: `default/${s.db}`, host, wwwroot: `${s.vhostname.startsWith('http://') ? 'http' : 'https'}://${host}`,
        server: 'default', dbhost: '127.0.0.1', dbname: s.db, dbuser: s.login, dbpass: s.pass, prefix: 'mdl_', dataroot: '/srv/x', name: s.name,
      });
      await writer.markActive(`default/${s.db}`);
      rows.set(s.n, (await writer.getById(`default/${s.db}`))!);
    }
    for (const net of [1, 2]) {
      const members = SITES.filter((x) => x.mnet === net && x.enabled).map((x) => rows.get(x.n)!);
      await applySubnetwork(ctx, `scratch-${net}`, { name: `scratch-${net}`, members, services: ['sso_idp', 'sso_sp'], keyLifetimeDays: 28, renewBeforeDays: 7, roamingRoles: [], mayRenew: new Set() }, []);
    }
  } finally {
    await pools.closeAll();
    await fleet.admin.query('DROP DATABASE vmoodle_scratch');
  }
}

before(async () => {
  fleet = await startFleet();
  masterDsn = `${fleet.server.adminDsn}legacy_master`;
  env = { VMOODLE_REGISTRY: `${fleet.server.adminDsn}${REGISTRY_DB}`, VMOODLE_SERVER_DEFAULT: fleet.server.adminDsn };
  await buildLegacyFleet();
});

after(async () => {
  await fleet?.stop();
});

test('import-legacy → terraform plans 27 imports and no change, applies them; the legacy fleet is untouched', async () => {
  const fingerprint = await fleetFingerprint(fleet.admin);
  const out = fleet.ws.dir;
  const r = await runCli(['import-legacy', '--master', masterDsn, '--out', out, '--json'], env);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as {
    tenants: Array<{ host: string; id: string; address: string; registration: string; notes: string[] }>;
    subnetworks: Array<{ name: string; members: string[]; services: string[]; registration: string }>;
    skipped: unknown[];
  };
  assert.equal(report.tenants.length, 25);
  assert.deepEqual(report.skipped, []);
  assert.ok(report.tenants.every((t) => t.registration === 'registered'));
  assert.deepEqual(
    report.subnetworks.map((s) => [s.name, s.members, s.services]),
    [
      ['legacy-mnet-1', ['default/vmdl_site01', 'default/vmdl_site02', 'default/vmdl_site03', 'default/vmdl_site04'], ['sso_idp', 'sso_sp']],
      ['legacy-mnet-2', ['default/vmdl_site05', 'default/vmdl_site08'], ['sso_idp', 'sso_sp']],
    ],
  );
  const byHost = new Map(report.tenants.map((t) => [t.host, t]));
  assert.ok(byHost.has('site04.legacy.test') && byHost.has('campus.legacy.test/law'));
  assert.ok(byHost.get('site21.legacy.test')!.notes.some((n) => /shared by 4 sites/.test(n)));
  assert.ok(!r.stdout.includes('Shared-pass-1') && !r.stderr.includes('Shared-pass-1'));

  // The files: no password anywhere; the nodelist in VMoodle's format.
  const tf = ['provider.tf', 'tenants.tf', 'subnetworks.tf', 'imports.tf'].map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
  for (const s of SITES) assert.ok(!tf.includes(s.pass), `password of site ${s.n} in the configuration`);
  assert.match(tf, /user_host = "localhost"/);
  assert.match(tf, /description = "Line one\\nQuote \\" backslash \\\\ and \$\$\{not_a_template\} %%\{nor_this\}"/);
  const nodelist = readFileSync(join(out, 'nodelist.csv'), 'utf8').trim().split('\n');
  assert.equal(nodelist[0], 'vhostname;vtemplate;name;shortname;description;vdbtype;vdbhost;vdblogin;vdbpass;vdbname;vdbpersist;vdbprefix;vdatapath;mnet;services;enabled');
  assert.equal(nodelist.length, 26);
  assert.ok(nodelist.some((l) => l.startsWith('https://site06.legacy.test;;Legacy site 6;site06;;mariadb;127.0.0.1;vmdl_site06;;vmdl_site06;0;mdl_;') && l.endsWith(';2;subnetwork;0')));

  // The real terraform: only imports.
  const init = await fleet.ws.tf(['init', '-input=false', '-no-color']);
  assert.equal(init.code, 0, init.stdout + init.stderr);
  const plan = await fleet.ws.tf(['plan', '-input=false', '-no-color']);
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /Plan: 27 to import, 0 to add, 0 to change, 0 to destroy\./, plan.stdout);
  const apply = await fleet.ws.tf(['apply', '-auto-approve', '-input=false', '-no-color']);
  assert.equal(apply.code, 0, apply.stdout + apply.stderr);
  assert.match(apply.stdout, /Apply complete! Resources: 27 imported, 0 added, 0 changed, 0 destroyed\./);
  const again = await fleet.ws.tf(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No changes\./);

  // The sites are served from the registry with the legacy credentials; the legacy fleet is as it was.
  const [reg] = await fleet.admin.query(`SELECT host, state, dbuser, dbuser_host, dbpass, dataroot, enabled FROM ${REGISTRY_DB}.vmoodle_tenant WHERE host IN ('site07.legacy.test', 'site10.legacy.test', 'site06.legacy.test') ORDER BY host`);
  assert.deepEqual(reg, [
    { host: 'site06.legacy.test', state: 'active', dbuser: 'vmdl_site06', dbuser_host: '%', dbpass: `pw'6"x`, dataroot: join(legacyData, 'site06'), enabled: 0 },
    { host: 'site07.legacy.test', state: 'active', dbuser: 'vmdl_site07', dbuser_host: 'localhost', dbpass: `pw'7"x`, dataroot: join(legacyData, 'site07'), enabled: 1 },
    { host: 'site10.legacy.test', state: 'active', dbuser: 'vmdl_site10', dbuser_host: '%', dbpass: `pw'10"x`, dataroot: join(legacyData, 'site10'), enabled: 1 },
  ]);
  assert.equal(await fleetFingerprint(fleet.admin), fingerprint, 'the legacy fleet was modified');

  // Re-running is harmless: every site is already registered, nothing changes.
  const rerun = await runCli(['import-legacy', '--master', masterDsn, '--out', join(base, 'rerun'), '--json'], env);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.ok((JSON.parse(rerun.stdout) as typeof report).tenants.every((t) => t.registration === 'already registered'));
  assert.equal(await fleetFingerprint(fleet.admin), fingerprint);
});

test('rows that cannot be imported as they are are skipped with the reason', async () => {
  const rows: Array<[string, string, string, string]> = [
    ['https://rooted.legacy.test', 'root', 'vmdl_site11', 'rooted'],
    ['https://ported.legacy.test:8443', 'vmdl_site12', 'vmdl_site12', 'ported'],
    ['https://site01.legacy.test', 'vmdl_site13', 'vmdl_site13', 'duplicate'],
    ['https://ghost.legacy.test', 'vmdl_ghost', 'vmdl_ghost', 'ghost'],
  ];
  for (const [vhost, login, db, short] of rows) {
    await fleet.admin.query(
      "INSERT INTO legacy_master.mdl_local_vmoodle (name, shortname, description, vhostname, vdbhost, vdblogin, vdbpass, vdbname, vdatapath) VALUES (?, ?, '', ?, '127.0.0.1', ?, 'x', ?, '/srv/x')",
      [short, short, vhost, login, db],
    );
  }
  const out = join(base, 'dry');
  const r = await runCli(['import-legacy', '--master', masterDsn, '--out', out, '--no-register'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /row 26 https:\/\/rooted\.legacy\.test: database user name "root" is a built-in account/);
  assert.match(r.stdout, /row 27 https:\/\/ported\.legacy\.test:8443: .*has a port/);
  assert.match(r.stdout, /row 28 https:\/\/site01\.legacy\.test: host site01\.legacy\.test is also the vhostname of row 1/);
  assert.match(r.stdout, /row 29 https:\/\/ghost\.legacy\.test: database vmdl_ghost does not exist/);
  assert.ok(statSync(join(out, 'tenants.tf')).isFile());
});

test('usage errors name the bad argument and exit 2', async () => {
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['import-legacy', '--out', base], env, /--master: is required/],
    [['import-legacy', '--master', 'postgres://x@y/z', '--out', base], env, /--master: scheme "postgres:\/\/" is not supported/],
    [['import-legacy', '--master', masterDsn, '--out', fleet.ws.dir], env, /--out: .* already has provider\.tf/],
    [['import-legacy', '--master', masterDsn, '--out', join(base, 'n'), '--server', 'nonsense'], env, /--server: "nonsense" must be NAME=VDBHOST/],
    [['import-legacy', '--master', masterDsn, '--out', join(base, 'n'), '--prefix', 'x;y'], env, /--prefix/],
    [['import-legacy', '--master', masterDsn, '--out', join(base, 'n')], { VMOODLE_REGISTRY: env.VMOODLE_REGISTRY }, /VMOODLE_SERVER_DEFAULT: is not set/],
  ];
  for (const [args, e, re] of cases) {
    const r = await runCli(args, e);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.ok(!r.stderr.includes(fleet.server.adminPassword));
  }
});
