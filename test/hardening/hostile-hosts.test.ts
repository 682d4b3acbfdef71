// A generated corpus of ≥ 100,000 hostile Host values through every resolver vmoodle has:
// lib/host.ts in process (against an independent reference for ASCII input), the PHP include's own
// normaliser and map lookup over the whole corpus in a php CLI loop, the real sidecar over HTTP for
// a large sample, and the include behind `php -S` with raw Host header bytes for a smaller one.
// Invariants: never a 5xx, never a tenant other than the one whose key is exactly the normalised host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'undici';
import { normaliseHost, parseTenantAddress, subpathOfRequestPath, isValidSubpath } from '../../lib/host';
import { freePort } from '../../lib/mariadb-server';
import { saveStateFile } from '../../sidecar/state-file';
import { renderPhpMap } from '../../sidecar/php-map';
import type { TenantRecord } from '../../generated/sidecar-types';
import { PHP_INCLUDE, startSidecar, request, waitFor, type SidecarProcess } from '../sidecar/helpers';
import { writeMoodleStandIn, startPhpServer, type PhpServer } from '../sidecar/php-env';
import { generateCorpus, Rng } from './corpus';
import { profile } from './profile';
import { summary } from './summary';

const execFileP = promisify(execFile);
const D = 'hardening.test';
const TOKEN = 'hostile-token-' + 'q'.repeat(32);

/** The tenants the corpus is aimed at: look-alike-prone names, a subpath, IDN, single label, disabled. */
const KEYS = [
  ...Array.from({ length: 20 }, (_, i) => `s${String(i + 1).padStart(4, '0')}.${D}`),
  `sub.${D}`, `sub.${D}/m1`, `xn--caf-dma.${D}`, `off.${D}`, 'moodle', `a-b.${D}`, 'xn--80ak6aa92e.com', `kelvin.${D}`,
  `secure.example.edu`, `login.secure.example.edu`,
];
const DISABLED = new Set([`off.${D}`]);

function record(key: string): TenantRecord {
  const [host, sub] = key.split('/') as [string, string | undefined];
  const id = key.replace(/[^a-z0-9]/g, '_');
  return {
    id, key, host, subpath: sub ?? null, enabled: !DISABLED.has(key), name: id, shortname: id.slice(0, 30),
    wwwroot: `https://${key}`, server: 'default', dbtype: 'mariadb', dbhost: '127.0.0.1', dbport: 3306, dbsocket: null,
    dbname: `moodle_${id}`.slice(0, 64), dbuser: `u_${id}`.slice(0, 32), dbpass: `pw-${id}-secret`, prefix: 'mdl_', dataroot: `/srv/moodledata/${id}`, config: {},
  };
}
const RECORDS = KEYS.map(record);
const KEYSET = new Set(KEYS);

/**
 * An independent statement of the rules for ASCII input, written from the spec in lib/host.ts (and
 * the PHP include's patterns), not from its code: lowercase, one valid :port, one trailing dot,
 * labels of [a-z0-9-] not starting/ending with "-", ≤ 253, last label not an IPv4 number.
 */
function reference(v: string): string | null {
  if (v.length === 0 || v.length > 1024 || !/^[\x21-\x7e]+$/.test(v)) return null;
  let h = v.toLowerCase();
  const c = h.indexOf(':');
  if (c !== -1) {
    const p = h.slice(c + 1);
    if (!/^[0-9]{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) return null;
    h = h.slice(0, c);
  }
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.length === 0 || h.length > 253) return null;
  if (!/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(h)) return null;
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/.test(h.slice(h.lastIndexOf('.') + 1))) return null;
  return h;
}
const GRAMMAR = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** What a resolver must answer for a value it received: the status and, on 200, the key. */
function expected(received: string): { status: 200 | 400 | 404 | 423; key?: string } {
  const n = normaliseHost(received);
  if (!n.ok) return { status: 400 };
  if (!KEYSET.has(n.host)) return { status: 404 };
  if (DISABLED.has(n.host)) return { status: 423, key: n.host };
  return { status: 200, key: n.host };
}

let corpus: string[] = [];
let dir: string;
let sidecar: SidecarProcess | undefined;
let php: PhpServer | undefined;
const figures: Record<string, string | number> = {};

before(async () => {
  corpus = generateCorpus(profile.corpusSize, [...new Set(KEYS.map((k) => k.split('/')[0]!))]);
  dir = mkdtempSync(join(tmpdir(), 'vmoodle-hostile-'));
});

after(async () => {
  await php?.stop();
  await sidecar?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(`the corpus has ≥ 100,000 values of every kind`, () => {
  assert.ok(corpus.length >= 100_000, `corpus of ${corpus.length}`);
  const kinds = {
    nonAscii: corpus.filter((v) => /[^\x00-\x7f]/.test(v)).length,
    control: corpus.filter((v) => /[\x00-\x1f\x7f]/.test(v)).length,
    crlf: corpus.filter((v) => v.includes('\r\n')).length,
    sqlQuote: corpus.filter((v) => v.includes("'")).length,
    php: corpus.filter((v) => v.includes('<?') || v.includes('${')).length,
    traversal: corpus.filter((v) => v.includes('..')).length,
    overlong: corpus.filter((v) => v.length > 253).length,
    ipv6: corpus.filter((v) => v.includes('::') || v.includes('[')).length,
    port: corpus.filter((v) => /:[0-9]/.test(v)).length,
    trailingDot: corpus.filter((v) => v.endsWith('.')).length,
  };
  for (const [k, n] of Object.entries(kinds)) assert.ok(n >= 500, `${k}: ${n}`);
  figures.corpus = corpus.length;
  figures.unique = new Set(corpus).size;
  summary('hostile-corpus', { values: corpus.length, unique: figures.unique, ...kinds });
});

test('lib/host in process: never throws, canonical and idempotent, agrees with the reference on ASCII', () => {
  let accepted = 0;
  let resolved = 0;
  const disagreements: string[] = [];
  const t0 = process.hrtime.bigint();
  for (const v of corpus) {
    const n = normaliseHost(v);
    if (n.ok) {
      accepted++;
      assert.ok(GRAMMAR.test(n.host) && n.host.length <= 253, `non-canonical output for ${JSON.stringify(v.slice(0, 80))}`);
      const again = normaliseHost(n.host);
      assert.ok(again.ok && again.host === n.host, `not idempotent: ${JSON.stringify(v.slice(0, 80))}`);
      if (KEYSET.has(n.host)) resolved++;
    }
    if (!/[^\x00-\x7f]/.test(v)) {
      const ref = reference(v);
      const mine = n.ok ? n.host : null;
      // Documented difference: lib/host refuses ASCII "xn--" labels that are not valid punycode.
      const punycodeRefusal = !n.ok && ref !== null && /xn--/.test(ref) && /punycode/.test(n.reason);
      if (mine !== ref && !punycodeRefusal && disagreements.length < 10) disagreements.push(JSON.stringify(v.slice(0, 80)));
    }
    const a = parseTenantAddress(v);
    if (a.ok) {
      assert.ok(GRAMMAR.test(a.host) && (a.subpath === undefined || isValidSubpath(a.subpath)) && a.key.length <= 255);
    }
    const sub = subpathOfRequestPath(v);
    if (sub !== undefined) assert.ok(isValidSubpath(sub));
  }
  const ns = Number(process.hrtime.bigint() - t0) / corpus.length;
  figures.tsAccepted = accepted;
  figures.tsResolved = resolved;
  summary('hostile-lib-host', { values: corpus.length, accepted, resolvedToATenant: resolved, disagreementsWithReference: disagreements.length, nsPerValue: Math.round(ns) });
  assert.deepEqual(disagreements, [], 'lib/host and the reference rules disagree');
});

test('PHP include, whole corpus in a php CLI loop: same normalisation, exact-match lookups only', async () => {
  const mapFile = join(dir, 'map.php');
  writeFileSync(mapFile, renderPhpMap(1, RECORDS));
  const input = join(dir, 'corpus.b64');
  const output = join(dir, 'php-out.txt');
  writeFileSync(input, corpus.map((v) => Buffer.from(v, 'utf8').toString('base64')).join('\n') + '\n');
  const script = join(dir, 'loop.php');
  writeFileSync(
    script,
    [
      '<?php',
      "define('VMOODLE_NO_BOOT', true);",
      'require $argv[1];',
      '$map = vmoodle_load_map($argv[2]);',
      "if ($map === null) { fwrite(STDERR, \"map unreadable\\n\"); exit(3); }",
      "$in = fopen($argv[3], 'r'); $out = fopen($argv[4], 'w');",
      'while (($line = fgets($in)) !== false) {',
      "  $h = vmoodle_normalise_host(base64_decode(rtrim($line, \"\\n\"), true));",
      "  if ($h === null) { fwrite($out, \"-\\n\"); continue; }",
      '  $r = vmoodle_lookup_map($map, $h, null, false);',
      "  fwrite($out, $h . \"\\t\" . ($r['status'] === 'unknown' ? '' : $r['status'] . ':' . $r['key']) . \"\\n\");",
      '}',
      '',
    ].join('\n'),
  );
  await execFileP('php', ['-d', 'memory_limit=256M', script, PHP_INCLUDE, mapFile, input, output], { timeout: 120_000, maxBuffer: 1 << 20 });
  const lines = readFileSync(output, 'utf8').split('\n');
  assert.equal(lines.length - 1, corpus.length, 'one answer per value');
  let accepted = 0;
  let found = 0;
  const wrong: string[] = [];
  const divergent: string[] = [];
  for (let i = 0; i < corpus.length; i++) {
    const v = corpus[i]!;
    const line = lines[i]!;
    const phpHost = line === '-' ? null : line.split('\t')[0]!;
    const hit = line === '-' ? '' : line.split('\t')[1]!;
    // The include mirrors the ASCII rules exactly and refuses every non-ASCII byte.
    if (phpHost !== reference(v) && divergent.length < 10) divergent.push(JSON.stringify(v.slice(0, 80)));
    if (phpHost !== null) accepted++;
    if (hit !== '') {
      found++;
      const key = hit.slice(hit.indexOf(':') + 1);
      const n = normaliseHost(v);
      // The tenant it picked must be the exact match of the value as lib/host reads it.
      if ((!n.ok || n.host !== key || key !== phpHost) && wrong.length < 10) wrong.push(`${JSON.stringify(v.slice(0, 80))} -> ${key}`);
    }
  }
  figures.phpCliWrong = wrong.length;
  summary('hostile-php-cli', { values: corpus.length, accepted, resolvedToATenant: found, wrong: wrong.length, divergentFromReference: divergent.length });
  assert.deepEqual(wrong, [], 'the PHP include resolved a value to a tenant other than its exact match');
  assert.deepEqual(divergent, [], 'the PHP normaliser disagrees with the reference rules');
});

test('the real sidecar over HTTP: a large sample, never a 5xx, always the exact answer', async () => {
  const stateDir = join(dir, 'sidecar');
  mkdirSync(stateDir, { recursive: true, mode: 0o750 });
  // Booted from a state file with the registry unreachable: no database needed for this test.
  await saveStateFile(join(stateDir, 'snapshot.json'), { generation: 1, readAt: Date.now(), tenants: RECORDS });
  const dead = await freePort();
  const sock = join(dir, 's.sock');
  sidecar = startSidecar(['--registry', `mysql://nobody:x@127.0.0.1:${dead}/none`, '--state-dir', stateDir, '--listen', `unix:${sock}`, '--token', TOKEN, '--poll-interval', '60000']);
  await waitFor('sidecar ready', async () => (await request({ socketPath: sock }, '/readyz')).status === 200, 30_000);

  const rng = new Rng(7);
  const sample = corpus.length <= profile.httpSample ? corpus : Array.from({ length: profile.httpSample }, (_, i) => (i < 200 ? corpus[i]! : corpus[rng.int(corpus.length)]!));
  const pool = new Pool('http://localhost', { socketPath: sock, connections: 8, pipelining: 1 });
  const statuses: Record<string, number> = {};
  const wrong: string[] = [];
  let fiveXx = 0;
  let next = 0;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const worker = async (): Promise<void> => {
    while (next < sample.length) {
      const v = sample[next++]!;
      const asHost = next % 5 !== 0;
      const q = asHost ? new URLSearchParams({ host: v }) : new URLSearchParams({ host: `sub.${D}`, path: v });
      // What the server receives is the value after a query-string round trip (lone surrogates become U+FFFD).
      const back = new URLSearchParams(q.toString());
      const res = await pool.request({ method: 'GET', path: `/v1/resolve?${q.toString()}`, headers: auth });
      const text = await res.body.text();
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 500) fiveXx++;
      let want: { status: number; key?: string };
      if (asHost) want = expected(back.get('host')!);
      else want = { status: 200, key: subpathOfRequestPath(back.get('path')!) === 'm1' ? `sub.${D}/m1` : `sub.${D}` };
      let got: string | undefined;
      if (res.statusCode === 200) got = (JSON.parse(text) as { key: string }).key;
      else if (res.statusCode === 423) got = (JSON.parse(text) as { key?: string }).key;
      if (res.statusCode !== want.status || (want.key !== undefined && got !== want.key)) {
        if (wrong.length < 10) wrong.push(`${JSON.stringify(v.slice(0, 60))}: ${res.statusCode} ${got ?? ''} (want ${want.status} ${want.key ?? ''})`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await pool.close();
  figures.httpSent = sample.length;
  summary('hostile-sidecar-http', { sent: sample.length, ...Object.fromEntries(Object.entries(statuses).map(([k, n]) => [`status${k}`, n])), fiveXx, wrong: wrong.length });
  assert.equal(fiveXx, 0, 'a hostile host produced a 5xx');
  assert.deepEqual(wrong, [], 'the sidecar answered something other than the exact match');
});

/** One raw HTTP/1.1 request with the Host header given as bytes; reads until the server closes. */
function rawRequest(port: number, host: Buffer): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const done = (): void => {
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.split('\r\n\r\n')[0] ?? '';
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const c = l.indexOf(':');
        if (c > 0) headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
      }
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
      resolve({ status, headers, body: Buffer.concat(chunks).toString('utf8').slice(head.length + 4) });
    };
    s.setTimeout(15_000, () => s.destroy());
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('close', done);
    s.on('error', () => undefined);
    s.on('connect', () => {
      s.end(Buffer.concat([Buffer.from('GET /?cfg=map HTTP/1.1\r\nHost: '), host, Buffer.from('\r\nConnection: close\r\n\r\n')]));
    });
  });
}

test('the PHP include behind php -S, raw Host bytes: never a 5xx, never another tenant', async () => {
  const moodle = join(dir, 'moodle');
  const sock = join(dir, 's.sock');
  writeMoodleStandIn(moodle, { map: { map: join(dir, 'sidecar', 'vmoodle-map.php'), socket: sock, token: TOKEN } });
  // A router that says which Host PHP actually saw (a raw value with CR/LF may be cut or split).
  writeFileSync(join(moodle, 'router.php'), "<?php\nheader('X-Seen-Host: ' . base64_encode(isset($_SERVER['HTTP_HOST']) ? $_SERVER['HTTP_HOST'] : ''));\nrequire __DIR__ . '/config-map.php';\n");
  php = await startPhpServer(moodle, await freePort());
  const rng = new Rng(11);
  const sample = Array.from({ length: profile.phpServerSample }, (_, i) => (i < 120 ? corpus[i]! : corpus[rng.int(corpus.length)]!));
  let fiveXx = 0;
  let ok = 0;
  let noAnswer = 0;
  const reasons: Record<string, number> = {};
  const wrong: string[] = [];
  for (const v of sample) {
    const r = await rawRequest(php.port, Buffer.from(v, 'utf8'));
    if (r.status === 0) {
      noAnswer++;
      continue;
    }
    const seen = Buffer.from(r.headers['x-seen-host'] ?? '', 'base64').toString('utf8');
    const want = expected(seen);
    const reason = r.headers['x-vmoodle-reason'] ?? (r.status === 200 ? 'ok' : `http${r.status}`);
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    // A disabled site is a 503 by design (README: "disabled site → 503", like maintenance mode);
    // any other 5xx is a failure.
    if (r.status >= 500 && reason !== 'disabled') fiveXx++;
    const label = `${JSON.stringify(v.slice(0, 60))} (PHP saw ${JSON.stringify(seen.slice(0, 60))})`;
    if (reason === 'disabled' && want.status !== 423 && wrong.length < 10) wrong.push(`${label} -> "disabled"`);
    if (r.status !== 200) continue;
    ok++;
    const key = (JSON.parse(r.body) as { vmoodle_key?: string }).vmoodle_key;
    if ((want.status !== 200 || want.key !== key) && wrong.length < 10) wrong.push(`${label} -> ${String(key)}`);
  }
  summary('hostile-php-server', { sent: sample.length, served: ok, noAnswer, fiveXx, wrong: wrong.length, ...Object.fromEntries(Object.entries(reasons).map(([k, n]) => [`reason_${k}`, n])) });
  assert.equal(fiveXx, 0, `php -S answered 5xx: ${php.output().slice(-500)}`);
  assert.deepEqual(wrong, [], 'the include served a tenant other than the exact match');
  assert.ok(ok > 0, 'some values resolved (the exact hosts are in the sample)');
});
