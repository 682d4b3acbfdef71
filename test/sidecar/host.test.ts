// lib/host.ts: the one normalisation of untrusted Host values (sidecar) and declared hosts (provider).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normaliseHost,
  parseTenantAddress,
  tenantKey,
  subpathOfRequestPath,
  MAX_HOST_INPUT_LENGTH,
} from '../../lib/host';
import { ACCEPTED, ACCEPTED_IDN, REFUSED, host253 } from './host-cases';

test('normaliseHost accepts and canonicalises valid hosts', () => {
  for (const [input, expected] of [...ACCEPTED, ...ACCEPTED_IDN]) {
    const r = normaliseHost(input);
    assert.deepEqual(r, { ok: true, host: expected }, `input ${JSON.stringify(input)}`);
  }
});

test('normaliseHost refuses nasty inputs with a reason that does not echo them', () => {
  for (const [input, why] of REFUSED) {
    const r = normaliseHost(input);
    assert.equal(r.ok, false, `${why}: ${JSON.stringify(input.slice(0, 60))} should be refused`);
    if (!r.ok) {
      assert.ok(r.reason.length > 0 && r.reason.length < 200, why);
      if (input.length > 3) assert.ok(!r.reason.includes(input), `${why}: reason must not echo the input`);
    }
  }
});

test('normaliseHost: ports can be refused (tenant declarations)', () => {
  assert.equal(normaliseHost('example.org:443', { allowPort: false }).ok, false);
  assert.deepEqual(normaliseHost('example.org', { allowPort: false }), { ok: true, host: 'example.org' });
});

test('normaliseHost: non-string input is refused, not thrown', () => {
  assert.equal(normaliseHost(undefined as unknown as string).ok, false);
  assert.equal(normaliseHost(['a.org'] as unknown as string).ok, false);
});

test('normaliseHost is fast and caps input length before any work', () => {
  const hosts = Array.from({ length: 1000 }, (_, i) => `Site${i}.Example.org:443`);
  const t0 = process.hrtime.bigint();
  let ok = 0;
  for (let round = 0; round < 100; round++) for (const h of hosts) if (normaliseHost(h).ok) ok++;
  const perOpNs = Number(process.hrtime.bigint() - t0) / 100_000;
  assert.equal(ok, 100_000);
  assert.ok(perOpNs < 5_000, `normaliseHost took ${perOpNs.toFixed(0)} ns per call`);

  const huge = 'a'.repeat(5_000_000);
  const t1 = process.hrtime.bigint();
  assert.equal(normaliseHost(huge).ok, false);
  assert.equal(normaliseHost('é'.repeat(MAX_HOST_INPUT_LENGTH + 1)).ok, false);
  assert.ok(Number(process.hrtime.bigint() - t1) < 5_000_000, 'a 5 MB input is refused in well under 5 ms');
});

test('parseTenantAddress: host and host/subpath', () => {
  assert.deepEqual(parseTenantAddress('Example.org'), { ok: true, host: 'example.org', key: 'example.org' });
  assert.deepEqual(parseTenantAddress('example.org.'), { ok: true, host: 'example.org', key: 'example.org' });
  assert.deepEqual(parseTenantAddress('example.org/'), { ok: true, host: 'example.org', key: 'example.org' });
  assert.deepEqual(parseTenantAddress('EXAMPLE.org/moodle1'), { ok: true, host: 'example.org', subpath: 'moodle1', key: 'example.org/moodle1' });
  assert.deepEqual(parseTenantAddress('example.org/moodle1/'), { ok: true, host: 'example.org', subpath: 'moodle1', key: 'example.org/moodle1' });
  assert.deepEqual(parseTenantAddress('example.org/a.b_c-9'), { ok: true, host: 'example.org', subpath: 'a.b_c-9', key: 'example.org/a.b_c-9' });
  assert.deepEqual(parseTenantAddress('café.example/x'), { ok: true, host: 'xn--caf-dma.example', subpath: 'x', key: 'xn--caf-dma.example/x' });
  for (const bad of [
    '', 'example.org:443', 'example.org:443/x', 'example.org/Moodle1', 'example.org/a/b', 'example.org/.x', 'example.org/..',
    'example.org/-x', 'example.org/%61', 'example.org/a b', "example.org/a'b", `example.org/${'a'.repeat(65)}`, '/x', '1.2.3.4/x',
    `${host253}/abc`, 'example.org//',
  ]) {
    assert.equal(parseTenantAddress(bad).ok, false, `${JSON.stringify(bad.slice(0, 60))} should be refused`);
  }
  assert.equal(parseTenantAddress(`example.org/${'a'.repeat(64)}`).ok, true);
});

test('tenantKey', () => {
  assert.equal(tenantKey('example.org'), 'example.org');
  assert.equal(tenantKey('example.org', 'm1'), 'example.org/m1');
  assert.equal(tenantKey('example.org', ''), 'example.org');
});

test('subpathOfRequestPath takes the first segment only when it can be a subpath', () => {
  const cases: Array<[string | undefined, string | undefined]> = [
    ['/moodle1/course/view.php?id=2', 'moodle1'],
    ['/moodle1', 'moodle1'],
    ['/moodle1?x=1', 'moodle1'],
    ['/moodle1#top', 'moodle1'],
    [`/${'a'.repeat(64)}/x`, 'a'.repeat(64)],
    [`/${'a'.repeat(65)}/x`, undefined],
    [`/${'a'.repeat(10_000)}`, undefined],
    ['/', undefined],
    ['', undefined],
    [undefined, undefined],
    ['moodle1/', undefined],
    ['/Moodle1/', undefined],
    ['/%6doodle1/', undefined],
    ['/.hidden/', undefined],
    ['//x', undefined],
    ['/index.php', 'index.php'],
  ];
  for (const [path, expected] of cases) assert.equal(subpathOfRequestPath(path), expected, JSON.stringify(path?.slice(0, 40)));
});
