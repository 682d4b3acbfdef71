import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RowDataPacket } from 'mysql2/promise';
import { moodleFixturePath, withPrivateMariaDb, type MariaDbServer } from '../helpers/mariadb';
import { parseDsn } from '../../provider/mysql/dsn';
import { ServerPools, type Pool } from '../../provider/mysql/pools';
import { createDatabase } from '../../provider/mysql/admin';
import { loadSqlDump } from '../../provider/moodle/sql-loader';
import {
  isExcludedTable,
  normaliseWwwroot,
  readLocalWwwroot,
  resetSiteIdentifier,
  rewriteWwwroot,
  WwwrootError,
} from '../../provider/moodle/wwwroot';

const DB = 'site_a';
const OLD = 'https://moodle.example.test';
const NEW = 'https://physics.example.edu';

let server: MariaDbServer;
let stop: () => Promise<void>;
let pools: ServerPools;
let pool: Pool;

async function one(sql: string, values: (string | number)[] = []): Promise<RowDataPacket | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>(sql, values);
  return rows[0];
}

async function config(name: string): Promise<string | undefined> {
  return (await one(`SELECT value FROM ${DB}.mdl_config WHERE name = ?`, [name]))?.value as string | undefined;
}

before(async () => {
  ({ server, stop } = await withPrivateMariaDb());
  pools = new ServerPools({ default: parseDsn(server.adminDsn, 'test') });
  pool = pools.get('default');
  await createDatabase(pool, DB);
  await loadSqlDump(pools.multiStatement('default', DB), moodleFixturePath());
  // Content with absolute links, in tables db_replace covers and in tables it must leave alone.
  await pool.query(
    `CREATE TABLE ${DB}.mdl_page (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL DEFAULT '', ` +
      "intro VARCHAR(32) NOT NULL DEFAULT '', content LONGTEXT, contenthash VARCHAR(255) NOT NULL DEFAULT '') " +
      'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
  );
  await pool.query(
    `INSERT INTO ${DB}.mdl_page (name, intro, content, contenthash) VALUES ` +
      `('p1', 'x', '<a href="${OLD}/mod/page/view.php?id=1">a</a> and <img src="${OLD}/pluginfile.php/1">', '${OLD}'), ` +
      `('p2', '${OLD}/abcd', 'no links here', ''), ` +
      `('p3', 'y', 'HTTPS://MOODLE.EXAMPLE.TEST/upper-case is not the same string', '')`,
  );
  await pool.query(`CREATE TABLE ${DB}.mdl_block_instances (id BIGINT AUTO_INCREMENT PRIMARY KEY, configdata LONGTEXT) ENGINE=InnoDB`);
  await pool.query(`INSERT INTO ${DB}.mdl_block_instances (configdata) VALUES ('${OLD}/x')`);
  await pool.query(`CREATE TABLE ${DB}.mdl_logstore_standard_log (id BIGINT AUTO_INCREMENT PRIMARY KEY, other LONGTEXT) ENGINE=InnoDB`);
  await pool.query(`INSERT INTO ${DB}.mdl_logstore_standard_log (other) VALUES ('${OLD}/log')`);
  await pool.query(`INSERT INTO ${DB}.mdl_config_plugins (plugin, name, value) VALUES ('auth_cas', 'logout_return_url', '${OLD}/bye')`);
  await pool.query(`INSERT INTO ${DB}.mdl_config (name, value) VALUES ('sessioncookiedomain', 'moodle.example.test'), ('alternateloginurl', '${OLD}/login') ON DUPLICATE KEY UPDATE value = VALUES(value)`);
  // A peer whose URL must not change.
  await pool.query(`INSERT INTO ${DB}.mdl_mnet_host (id, wwwroot, name, public_key) VALUES (3, 'https://peer.example.org', 'peer', '')`);
});

after(async () => {
  await pools?.closeAll();
  await stop?.();
});

describe('wwwroot', () => {
  it('reads the local wwwroot from mnet_host', async () => {
    assert.equal(await readLocalWwwroot(pool, DB, 'mdl_'), OLD);
  });

  it('rewrites the site to a new domain', async () => {
    const configPluginsBefore = await pool.query<RowDataPacket[]>(`SELECT * FROM ${DB}.mdl_config_plugins ORDER BY id`);
    const result = await rewriteWwwroot(pool, DB, 'mdl_', OLD + '/', NEW);

    assert.equal(await readLocalWwwroot(pool, DB, 'mdl_'), NEW);
    assert.equal(await config('noreplyaddress'), 'noreply@physics.example.edu');
    assert.equal(await config('sessioncookiedomain'), 'physics.example.edu');
    // config is excluded from the generic pass, like Moodle's db_replace.
    assert.equal(await config('alternateloginurl'), `${OLD}/login`);
    // The site identifier is only changed when cloning.
    assert.match(String(await config('siteidentifier')), /moodle\.example\.test$/);

    const p1 = await one(`SELECT content, contenthash FROM ${DB}.mdl_page WHERE name = 'p1'`);
    assert.equal(p1?.content, `<a href="${NEW}/mod/page/view.php?id=1">a</a> and <img src="${NEW}/pluginfile.php/1">`);
    assert.equal(p1?.contenthash, OLD, 'columns ending in hash are skipped');
    const p3 = await one(`SELECT content FROM ${DB}.mdl_page WHERE name = 'p3'`);
    assert.match(String(p3?.content), /^HTTPS:\/\/MOODLE/, 'replacement is case-sensitive');
    assert.equal((await one(`SELECT intro FROM ${DB}.mdl_page WHERE name = 'p2'`))?.intro, `${NEW}/abcd`);
    assert.deepEqual(result.tooLong, []);

    assert.equal((await one(`SELECT configdata FROM ${DB}.mdl_block_instances`))?.configdata, `${OLD}/x`);
    assert.equal((await one(`SELECT other FROM ${DB}.mdl_logstore_standard_log`))?.other, `${OLD}/log`);
    assert.equal((await one(`SELECT wwwroot FROM ${DB}.mdl_mnet_host WHERE id = 3`))?.wwwroot, 'https://peer.example.org');
    const configPluginsAfter = await pool.query<RowDataPacket[]>(`SELECT * FROM ${DB}.mdl_config_plugins ORDER BY id`);
    assert.deepEqual(configPluginsAfter[0], configPluginsBefore[0]);

    assert.deepEqual(result.changedRows, { mdl_page: 2, mdl_mnet_host: 1, mdl_config: 2 });
    assert.equal(result.totalRows, 5);
    assert.deepEqual(result.explicit.sort(), ['config.noreplyaddress', 'config.sessioncookiedomain']);
    assert.equal(result.oldRoot, OLD);
  });

  it('is a no-op the second time and when roots are equal', async () => {
    const again = await rewriteWwwroot(pool, DB, 'mdl_', OLD, NEW);
    assert.equal(again.totalRows, 0);
    const same = await rewriteWwwroot(pool, DB, 'mdl_', NEW, NEW + '/');
    assert.equal(same.totalRows, 0);
  });

  it('does not extend the local row twice when the new root extends the old one', async () => {
    const sub = `${NEW}/moodle`;
    const result = await rewriteWwwroot(pool, DB, 'mdl_', NEW, sub);
    assert.equal(await readLocalWwwroot(pool, DB, 'mdl_'), sub);
    const p1 = await one(`SELECT content FROM ${DB}.mdl_page WHERE name = 'p1'`);
    assert.match(String(p1?.content), new RegExp(`href="${sub}/mod/page`));
    // intro VARCHAR(32) cannot hold the longer URL: left unchanged and reported (Moodle would truncate it).
    assert.equal((await one(`SELECT intro FROM ${DB}.mdl_page WHERE name = 'p2'`))?.intro, `${NEW}/abcd`);
    assert.deepEqual(result.tooLong, [{ table: 'mdl_page', column: 'intro', rows: 1 }]);
    assert.deepEqual(result.changedRows, { mdl_page: 1, mdl_mnet_host: 1 });
    // Same host: the host-derived config values stay.
    assert.equal(await config('noreplyaddress'), 'noreply@physics.example.edu');
    assert.deepEqual(result.explicit, []);
  });

  it('resets the site identifier', async () => {
    const before = await config('siteidentifier');
    const id = await resetSiteIdentifier(pool, DB, 'mdl_', 'physics.example.edu/sub');
    assert.match(id, /^[A-Za-z0-9]{32}physics\.example\.edu$/);
    assert.equal(await config('siteidentifier'), id);
    assert.notEqual(id, before);
    assert.notEqual(await resetSiteIdentifier(pool, DB, 'mdl_', 'physics.example.edu'), id);
  });

  it('validates roots and knows the excluded tables', () => {
    assert.throws(() => normaliseWwwroot('physics.example.edu'), WwwrootError);
    assert.throws(() => normaliseWwwroot('https://x.test/?a=1'), WwwrootError);
    assert.equal(normaliseWwwroot('https://x.test:8443/m//'), 'https://x.test:8443/m');
    for (const t of ['config', 'files', 'log', 'logstore_standard_log', 'mnet_log', 'stats_user_logs', 'block_instances']) assert.ok(isExcludedTable(t), t);
    for (const t of ['page', 'blog', 'catalog', 'course']) assert.ok(!isExcludedTable(t), t);
  });
});
