// The answer tables the loader thread builds and the HTTP thread reads: every key found with its own
// bytes and the generation written in at the right byte, absent keys not found, subpath hosts and
// removals honoured, overlays carrying exactly what changed, bad keys refused, and the buffers
// intact after a real transfer between threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { AnswerTable, AnswerTableBuilder, AnswerTableError, entriesIn, type AnswerTableBuffers } from '../../sidecar/answer-table';
import { Snapshot } from '../../sidecar/snapshot';
import { AnswerTables, resolveBody } from '../../sidecar/loader/answers';
import { buildTenantSet, type TenantSlot } from '../../sidecar/loader/tenant-set';
import type { TenantRecord } from '../../generated/sidecar-types';

const EMPTY = (): AnswerTableBuffers => new AnswerTableBuilder().finish();

function snapshotOf(base: AnswerTableBuffers, overlay: AnswerTableBuffers = EMPTY(), generation = 7): Snapshot {
  return Snapshot.fromBuffers({ generation, source: 'registry', readAt: 0 }, 0, base, overlay);
}

function bodyOf(snap: Snapshot, host: string, path?: string): string | null {
  const e = snap.lookup(host, path);
  return e < 0 ? null : snap.body(e).toString('utf8');
}

test('10,000 keys: each found with its own body and the generation written in; absent keys not found', () => {
  const b = new AnswerTableBuilder();
  for (let i = 0; i < 10_000; i++) {
    // Non-ASCII before the cut: the generation goes at a byte position, not a character position.
    if (i % 7 === 0) b.add(`site${i}.example.edu`, 423, `{"refused":"École ${i}"}`, null);
    else b.add(`site${i}.example.edu`, 200, `{"name":"École n°${i}","generation":`, `,"n":${i}}`);
  }
  const buffers = b.finish();
  assert.equal(entriesIn(buffers), 10_000);
  const t = new AnswerTable(buffers);
  for (let i = 0; i < 10_000; i++) {
    const e = t.find(`site${i}.example.edu`);
    assert.ok(e >= 0, `site${i}`);
    assert.equal(t.key(e), `site${i}.example.edu`);
    if (i % 7 === 0) {
      assert.equal(t.status(e), 423);
      assert.equal(t.answer(e, '123').toString(), `{"refused":"École ${i}"}`);
    } else {
      assert.equal(t.status(e), 200);
      const text = t.answer(e, '123').toString();
      assert.equal(text, `{"name":"École n°${i}","generation":123,"n":${i}}`);
      assert.deepEqual(JSON.parse(text), { name: `École n°${i}`, generation: 123, n: i });
    }
  }
  for (const absent of ['site10000.example.edu', 'site1.example.ed', 'ite1.example.edu', '', 'site1.example.edu.']) {
    assert.equal(t.find(absent), -1, absent);
  }
});

test('an empty table answers nothing; a released table answers nothing and never loops', () => {
  const empty = new AnswerTable(EMPTY());
  assert.equal(empty.entryCount, 0);
  assert.equal(empty.find('any.example'), -1);
  const b = new AnswerTableBuilder();
  b.add('a.example', 200, '{"generation":', '}');
  const t = new AnswerTable(b.finish());
  const released = t.release();
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(released, [released.slots, released.entries, released.data]);
    assert.equal(t.find('a.example'), -1);
  } finally {
    port1.close();
    port2.close();
  }
});

test('subpath hosts: the request path picks the tenant, the bare host answers otherwise', () => {
  const b = new AnswerTableBuilder();
  b.add('campus.example.edu', 200, '"root"', null, 1 << 16);
  b.add('campus.example.edu/law', 200, '"law"', null);
  b.add('only-sub.example.edu/art', 423, '"art"', null);
  b.addMarker('only-sub.example.edu');
  const snap = snapshotOf(b.finish());
  assert.equal(bodyOf(snap, 'campus.example.edu', '/law/course/view.php'), '"law"');
  assert.equal(bodyOf(snap, 'campus.example.edu', '/law'), '"law"');
  assert.equal(bodyOf(snap, 'campus.example.edu', '/medicine/'), '"root"');
  assert.equal(bodyOf(snap, 'campus.example.edu'), '"root"');
  assert.equal(bodyOf(snap, 'only-sub.example.edu', '/art/index.php'), '"art"');
  assert.equal(snap.status(snap.lookup('only-sub.example.edu', '/art/')), 423);
  // The marker for a host with only subpath tenants is not itself a tenant.
  assert.equal(bodyOf(snap, 'only-sub.example.edu', '/music/'), null);
  assert.equal(bodyOf(snap, 'only-sub.example.edu'), null);
});

test('an overlay changes, adds and removes keys over a base it leaves untouched', () => {
  const base = new AnswerTableBuilder();
  base.add('a.example', 200, '{"v":"a1","generation":', '}');
  base.add('b.example', 200, '{"v":"b1","generation":', '}');
  base.add('c.example', 200, '{"v":"c1","generation":', '}');
  const overlay = new AnswerTableBuilder();
  overlay.add('b.example', 423, '{"v":"b2"}', null);
  overlay.add('d.example', 200, '{"v":"d1","generation":', '}');
  overlay.addRemoval('c.example');
  const snap = snapshotOf(base.finish(), overlay.finish(), 42);
  assert.equal(bodyOf(snap, 'a.example'), '{"v":"a1","generation":42}');
  assert.equal(bodyOf(snap, 'b.example'), '{"v":"b2"}');
  assert.equal(snap.status(snap.lookup('b.example', undefined)), 423);
  assert.equal(bodyOf(snap, 'c.example'), null);
  assert.equal(bodyOf(snap, 'd.example'), '{"v":"d1","generation":42}');
  assert.equal(bodyOf(snap, 'e.example'), null);
});

test('bad keys are refused by name, and nothing is half-built', () => {
  const b = new AnswerTableBuilder();
  b.add('a.example', 200, '{}', null);
  assert.throws(() => b.add('a.example', 200, '{}', null), (err: unknown) => err instanceof AnswerTableError && /duplicate tenant key "a\.example"/.test(err.message));
  assert.throws(() => b.add('é.example', 200, '{}', null), (err: unknown) => err instanceof AnswerTableError && /not ASCII/.test(err.message));
  assert.throws(() => b.add('b.example', 0, '{}', null), AnswerTableError);
  assert.equal(b.size, 1);
});

test('the buffers survive a transfer between threads unchanged, and leave the sender', () => {
  const b = new AnswerTableBuilder();
  b.add('a.example', 200, '{"a":1,"generation":', '}');
  b.add('b.example', 423, '{"b":"ü"}', null);
  const buffers = b.finish();
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(buffers, [buffers.slots, buffers.entries, buffers.data]);
    // Transferred, not copied: the sender's buffers are detached.
    assert.equal(buffers.data.byteLength, 0);
    const t = new AnswerTable(receiveMessageOnPort(port2)?.message as AnswerTableBuffers);
    assert.equal(t.answer(t.find('b.example'), '9').toString(), '{"b":"ü"}');
    assert.equal(t.answer(t.find('a.example'), '9').toString(), '{"a":1,"generation":9}');
  } finally {
    port1.close();
    port2.close();
  }
});

function tenant(i: number, over: Partial<TenantRecord> = {}): TenantRecord {
  const host = over.host ?? `site${i}.example.edu`;
  const subpath = over.subpath ?? null;
  return {
    id: `site${i}`,
    key: subpath === null ? host : `${host}/${subpath}`,
    host,
    subpath,
    enabled: true,
    name: `Site ${i}`,
    shortname: `s${i}`,
    wwwroot: `https://${host}`,
    server: 'default',
    dbtype: 'mariadb',
    dbhost: '127.0.0.1',
    dbport: 3306,
    dbsocket: null,
    dbname: `moodle_site${i}`,
    dbuser: `u_site${i}`,
    dbpass: `pw-${i}`,
    prefix: 'mdl_',
    dataroot: `/srv/moodledata/site${i}`,
    config: {},
    ...over,
  };
}

function setOf(generation: number, slots: TenantSlot[]) {
  return buildTenantSet({ generation, source: 'registry', readAt: 0 }, slots);
}

test('the loader ships a base once, then overlays of exactly what changed, then a new base past an eighth', () => {
  const tables = new AnswerTables();
  const n = 10_000;
  let slots: TenantSlot[] = Array.from({ length: n }, (_, i) => ({ record: tenant(i), version: 'v1' }));
  const first = tables.build(setOf(1, slots));
  assert.ok(first.base !== null);
  assert.equal(entriesIn(first.base), n);
  assert.equal(entriesIn(first.overlay), 0);
  let snap = snapshotOf(first.base, first.overlay, 1);
  assert.deepEqual(JSON.parse(bodyOf(snap, 'site5.example.edu')!), JSON.parse(resolveBody(tenant(5), 1)));

  // One tenant renamed, one disabled, one removed, one added, one subpath tenant under an existing host.
  slots = slots.filter((s) => s.record.id !== 'site3');
  slots[1] = { record: tenant(1, { name: 'Renamed' }), version: 'v2' };
  slots[2] = { record: tenant(2, { enabled: false }), version: 'v2' };
  slots.push({ record: tenant(n), version: 'v1' });
  slots.push({ record: tenant(n + 1, { host: 'site4.example.edu', subpath: 'law' }), version: 'v1' });
  const second = tables.build(setOf(2, slots));
  assert.equal(second.base, null);
  assert.equal(second.baseId, first.baseId);
  // renamed, disabled, added, the subpath tenant, site4 (now flagged), and site3's removal.
  assert.equal(entriesIn(second.overlay), 6);
  const base = new AnswerTable(first.base);
  snap = new Snapshot({ generation: 2, source: 'registry', readAt: 0 }, slots.length, base, new AnswerTable(second.overlay));
  assert.equal(JSON.parse(bodyOf(snap, 'site1.example.edu')!).generation, 2);
  assert.equal(snap.status(snap.lookup('site2.example.edu', undefined)), 423);
  assert.equal(bodyOf(snap, 'site3.example.edu'), null);
  assert.equal(JSON.parse(bodyOf(snap, `site${n}.example.edu`)!).id, `site${n}`);
  assert.equal(JSON.parse(bodyOf(snap, 'site4.example.edu', '/law/')!).id, `site${n + 1}`);
  assert.equal(JSON.parse(bodyOf(snap, 'site4.example.edu', '/other/')!).id, 'site4');
  assert.equal(JSON.parse(bodyOf(snap, 'site9.example.edu')!).generation, 2);

  // A change to over an eighth of the tenants: a new base, and an empty overlay.
  slots = slots.map((s, i) => (i % 4 === 0 ? { record: s.record, version: 'v3' } : s));
  const third = tables.build(setOf(3, slots));
  assert.ok(third.base !== null);
  assert.equal(third.baseId, first.baseId + 1);
  assert.equal(entriesIn(third.overlay), 0);

  // After a reset (the HTTP thread lost its base) the next build is whole again.
  tables.reset();
  assert.ok(tables.build(setOf(4, slots)).base !== null);
});
