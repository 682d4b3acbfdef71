import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RowDataPacket } from 'mysql2/promise';
import { withPrivateMariaDb, type MariaDbServer } from '../helpers/mariadb';
import { parseDsn, type ServerSettings } from '../../provider/mysql/dsn';
import { openConnection, ServerPools, type Pool } from '../../provider/mysql/pools';
import { createDatabase, createUser } from '../../provider/mysql/admin';
import {
  DuplicateDatabaseError,
  DuplicateHostError,
  DuplicateIdError,
  migrateRegistry,
  RegistryValidationError,
  RegistryWriter,
  TenantNotFoundError,
  type NewTenant,
} from '../../registry/writer';
import { loadSnapshot, readGeneration, RegistryNotReadyError } from '../../registry/reader';
import { SCHEMA_VERSION } from '../../registry/schema';

let server: MariaDbServer;
let stop: () => Promise<void>;
let adminSettings: ServerSettings;
let pools: ServerPools;
let registry: Pool;
let writer: RegistryWriter;

function tenant(n: string, extra: Partial<NewTenant> = {}): NewTenant {
  return {
    id: `t-${n}`,
    host: `${n}.example.edu`,
    wwwroot: `https://${n}.example.edu`,
    server: 'default',
    dbhost: 'db1.internal',
    dbname: `m_${n}`,
    dbuser: `m_${n}`,
    dbpass: `pw-${n}-secret`,
    prefix: 'mdl_',
    dataroot: `/srv/moodledata/${n}`,
    ...extra,
  };
}

before(async () => {
  ({ server, stop } = await withPrivateMariaDb());
  adminSettings = parseDsn(server.adminDsn, 'test');
  const admin = await openConnection(adminSettings);
  try {
    for (const db of ['vmoodle_registry', 'registry_race', 'registry_empty']) await createDatabase(admin, db);
  } finally {
    await admin.end();
  }
  pools = new ServerPools(
    { race: { ...adminSettings, database: 'registry_race' }, empty: { ...adminSettings, database: 'registry_empty' } },
    { registry: { ...adminSettings, database: 'vmoodle_registry' } },
  );
  registry = pools.registry();
  writer = new RegistryWriter(registry);
});

after(async () => {
  await pools?.closeAll();
  await stop?.();
});

describe('migration', () => {
  it('migrates once, then is a no-op', async () => {
    assert.deepEqual(await migrateRegistry(registry), { from: 0, to: SCHEMA_VERSION });
    assert.deepEqual(await migrateRegistry(registry), { from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    assert.equal(await readGeneration(registry), 0);
  });

  it('is safe when three processes migrate at once', async () => {
    // Three separate pools = three "provider processes".
    const racers = [0, 1, 2].map(() => new ServerPools({ r: { ...adminSettings, database: 'registry_race' } }));
    try {
      const results = await Promise.all(racers.map((p) => migrateRegistry(p.get('r'))));
      assert.equal(results.filter((r) => r.from === 0).length, 1, JSON.stringify(results));
      assert.ok(results.every((r) => r.to === SCHEMA_VERSION));
    } finally {
      await Promise.all(racers.map((p) => p.closeAll()));
    }
    const [rows] = await pools.get('race').query<RowDataPacket[]>('SELECT schema_version, generation FROM vmoodle_meta');
    assert.deepEqual(rows.map((r) => [r.schema_version, Number(r.generation)]), [[SCHEMA_VERSION, 0]]);
  });

  it('readers report a registry that was never migrated', async () => {
    await assert.rejects(readGeneration(pools.get('empty')), RegistryNotReadyError);
    await assert.rejects(loadSnapshot(pools.get('empty')), RegistryNotReadyError);
  });
});

describe('writer', () => {
  it('every write bumps the generation', async () => {
    const g0 = await writer.generation();
    const created = await writer.insertCreating(tenant('physics', { config: { theme: 'boost', debug: '0' }, description: null }));
    assert.equal(created.state, 'creating');
    assert.deepEqual(created.config, { theme: 'boost', debug: '0' });
    assert.equal(created.enabled, true);
    assert.equal(created.dbuserHost, '%');
    assert.equal(created.dbport, null);
    assert.match(String(created.createdAt), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(await writer.generation(), g0 + 1);

    await writer.markActive('t-physics');
    assert.equal((await writer.getById('t-physics'))?.state, 'active');
    assert.equal(await writer.generation(), g0 + 2);

    const updated = await writer.update('t-physics', { name: 'Physics', enabled: false, dbport: 3307, config: { theme: 'classic' } });
    assert.equal(updated.name, 'Physics');
    assert.equal(updated.enabled, false);
    assert.equal(updated.dbport, 3307);
    assert.deepEqual(updated.config, { theme: 'classic' });
    assert.equal(await writer.generation(), g0 + 3);

    await writer.insertCreating(tenant('chemistry'));
    await writer.markDeleting('t-chemistry');
    assert.equal((await writer.getByHost('chemistry.example.edu'))?.state, 'deleting');
    await writer.remove('t-chemistry');
    assert.equal(await writer.getById('t-chemistry'), null);
    assert.equal(await writer.generation(), g0 + 6);

    // Nothing to do: no bump.
    await writer.remove('t-chemistry');
    assert.equal(await writer.generation(), g0 + 6);
    await assert.rejects(writer.markActive('t-nope'), TenantNotFoundError);
    await assert.rejects(writer.update('t-nope', { name: 'x' }), TenantNotFoundError);
    assert.equal(await writer.generation(), g0 + 6);
  });

  it('the database enforces unique host, database and id', async () => {
    const g = await writer.generation();
    const dupHost = await writer.insertCreating(tenant('other', { host: 'physics.example.edu' })).then(
      () => assert.fail('expected DuplicateHostError'),
      (e: unknown) => e,
    );
    assert.ok(dupHost instanceof DuplicateHostError);
    assert.equal(dupHost.host, 'physics.example.edu');
    assert.equal(dupHost.existingId, 't-physics');
    assert.match(dupHost.message, /physics\.example\.edu.*t-physics/);
    assert.ok(!dupHost.message.includes('pw-other-secret'));

    const dupDb = await writer.insertCreating(tenant('other', { dbname: 'm_physics' })).then(
      () => assert.fail('expected DuplicateDatabaseError'),
      (e: unknown) => e,
    );
    assert.ok(dupDb instanceof DuplicateDatabaseError);
    assert.equal(dupDb.existingId, 't-physics');

    await assert.rejects(writer.insertCreating(tenant('x', { id: 't-physics' })), (e: unknown) => e instanceof DuplicateIdError && e.existingState === 'active');

    await writer.insertCreating(tenant('biology'));
    await assert.rejects(writer.update('t-biology', { host: 'physics.example.edu' }), (e: unknown) => e instanceof DuplicateHostError && e.existingId === 't-physics');
    assert.equal(await writer.generation(), g + 1, 'failed writes roll their generation bump back');

    // Even a writer that skips our checks cannot create a duplicate.
    await assert.rejects(
      registry.query(
        "INSERT INTO vmoodle_tenant (id, host, state, wwwroot, server, dbhost, dbname, dbuser, dbpass, prefix, dataroot, config) " +
          "VALUES ('raw', 'physics.example.edu', 'active', 'x', 'default', 'h', 'raw', 'u', 'p', 'mdl_', '/d', '{}')",
      ),
      /Duplicate entry/,
    );
    await assert.rejects(writer.insertCreating(tenant('upper', { host: 'Upper.example.edu' })), RegistryValidationError);
    await assert.rejects(writer.update('t-biology', { id: 't-other' }), RegistryValidationError);
  });

  it('lists with filters', async () => {
    assert.deepEqual((await writer.list()).map((t) => t.id), ['t-biology', 't-physics']);
    assert.deepEqual((await writer.list({ state: 'creating' })).map((t) => t.id), ['t-biology']);
    assert.deepEqual((await writer.list({ state: ['creating', 'active'], server: 'default', enabled: false })).map((t) => t.id), ['t-physics']);
    assert.deepEqual((await writer.list({ hosts: ['biology.example.edu', 'nope'] })).map((t) => t.id), ['t-biology']);
    assert.deepEqual(await writer.list({ ids: [] }), []);
  });
});

describe('reader', () => {
  it('snapshots contain only active rows, with the generation', async () => {
    const snap = await loadSnapshot(registry);
    assert.equal(snap.generation, await writer.generation());
    assert.deepEqual(snap.tenants.map((t) => t.id), ['t-physics']);
    assert.equal(snap.tenants[0].dbpass, 'pw-physics-secret');
    assert.deepEqual(snap.tenants[0].config, { theme: 'classic' });
  });

  it('generation and rows always come from the same instant', async () => {
    // Each tenant costs two bumps (insert, then activate), so in any consistent state
    // active = floor((generation - g0) / 2) counting from a start with no extra active rows.
    await writer.update('t-biology', { state: 'deleting' });
    await writer.remove('t-biology');
    const start = await loadSnapshot(registry);
    const g0 = start.generation;
    const base = start.tenants.length;
    let writing = true;
    const writerLoop = (async () => {
      try {
        for (let i = 0; i < 15; i++) {
          await writer.insertCreating(tenant(`c${i}`));
          await writer.markActive(`t-c${i}`);
        }
      } finally {
        writing = false;
      }
    })();
    const reader = await openConnection({ ...adminSettings, database: 'vmoodle_registry' });
    let snapshots = 0;
    try {
      while (writing) {
        const snap = await loadSnapshot(reader);
        assert.equal(snap.tenants.length - base, Math.floor((snap.generation - g0) / 2), `generation ${snap.generation}`);
        snapshots++;
      }
    } finally {
      await reader.end();
    }
    await writerLoop;
    assert.ok(snapshots > 3, `only ${snapshots} snapshots`);
    const end = await loadSnapshot(registry);
    assert.equal(end.generation, g0 + 30);
    assert.equal(end.tenants.length, base + 15);
  });

  it('works with a read-only user', async () => {
    await createUser(registry, 'sidecar_ro', '%', 'ro-pass');
    await registry.query("GRANT SELECT ON `vmoodle\\_registry`.* TO 'sidecar_ro'@'%'");
    const ro = await openConnection({ ...adminSettings, user: 'sidecar_ro', password: 'ro-pass', database: 'vmoodle_registry' });
    try {
      const g = await readGeneration(ro);
      const snap = await loadSnapshot(ro);
      assert.equal(snap.generation, g);
      assert.ok(snap.tenants.length >= 16);
      assert.ok(snap.tenants.every((t) => t.state === 'active'));
      await assert.rejects(ro.query("UPDATE vmoodle_meta SET generation = 0"), /denied/i);
    } finally {
      await ro.end();
    }
  });
});
