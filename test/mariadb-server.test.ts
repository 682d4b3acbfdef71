import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { withPrivateMariaDb, moodleFixturePath } from './helpers/mariadb';

test('private MariaDB starts, accepts the admin DSN and stops by pid', async () => {
  const { server, stop } = await withPrivateMariaDb();
  try {
    const conn = await createConnection({ host: '127.0.0.1', port: server.port, user: server.adminUser, password: server.adminPassword });
    const [rows] = await conn.query('SELECT VERSION() AS v');
    assert.match((rows as Array<{ v: string }>)[0]!.v, /MariaDB/);
    await conn.end();
    assert.ok(existsSync(moodleFixturePath()), 'the shared Moodle fixture is reachable from dist/test');
  } finally {
    await stop();
  }
  assert.equal(existsSync(server.dir), false);
});
