// npm run bench (sidecar part): on the same 10,000 tenants, in one run —
//   (a)  VMoodle's way: a new MySQL connection + SELECT per lookup (mysql2; and (a') PHP mysqli)
//   (b)  the PHP include's fast path: the sidecar's map file, included with opcache
//   (c)  the PHP include's HTTP fallback: a new curl connection to the sidecar's unix socket per lookup
//   (d)  a direct undici client against the sidecar (keep-alive, unix socket)
// plus throughput: the sidecar vs a bare node:http server returning a constant JSON, both loaded by
// the same bounded load generator in a second process over TCP loopback.
// Everything is bounded in count and time, loopback only, and every process started is stopped by pid.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'undici';
import { createConnection } from 'mysql2/promise';
import { startMariaDb, stopMariaDb, freePort, type MariaDbServer } from '../lib/mariadb-server';
import { latencyStats, fmtUs, type LatencyStats } from './stats';
import { log, startProc, until, httpGet, hostOf, sampler, createRegistry, median, processCpuUs, type Proc, type RegistryFixture } from './common';
import type { Report } from './report';

const execFileP = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const SIDECAR_MAIN = join(ROOT, 'dist', 'sidecar', 'main.js');
const PHP_INCLUDE = join(ROOT, 'sidecar', 'php', 'vmoodle.php');
const PHP_BENCH = join(ROOT, 'bench', 'php');

export interface SidecarBenchOptions {
  tenants: number;
  /** Smaller sample counts (CI smoke). */
  quick: boolean;
}

async function benchVmoodleMysql2(server: MariaDbServer, ro: RegistryFixture, tenants: number, n: number): Promise<LatencyStats> {
  const pick = sampler(7, tenants);
  const times: number[] = [];
  for (let i = -50; i < n; i++) {
    const k = pick();
    const t0 = process.hrtime.bigint();
    const conn = await createConnection({ host: '127.0.0.1', port: server.port, user: ro.roUser, password: ro.roPass, database: ro.database });
    const [rows] = await conn.query('SELECT * FROM vmoodle_tenant WHERE host = ?', [hostOf(k)]);
    const t1 = process.hrtime.bigint();
    conn.destroy();
    const row = (rows as Array<{ dbname: string }>)[0];
    if (row?.dbname !== `moodle_site${k}`) throw new Error(`(a) wrong answer for ${hostOf(k)}`);
    if (i >= 0) times.push(Number(t1 - t0) / 1000);
  }
  return latencyStats(times);
}

async function runPhp(args: string[]): Promise<number[]> {
  const { stdout } = await execFileP('php', args, { maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
  return (JSON.parse(stdout) as { times: number[] }).times;
}

async function benchDirectClient(socketPath: string, tenants: number, n: number): Promise<LatencyStats> {
  const client = new Client('http://localhost', { socketPath, pipelining: 1 });
  const pick = sampler(11, tenants);
  const times: number[] = [];
  try {
    for (let i = -200; i < n; i++) {
      const k = pick();
      const t0 = process.hrtime.bigint();
      const res = await client.request({ method: 'GET', path: `/v1/resolve?host=${hostOf(k)}` });
      const body = (await res.body.json()) as { dbname: string };
      const t1 = process.hrtime.bigint();
      if (res.statusCode !== 200 || body.dbname !== `moodle_site${k}`) throw new Error(`(d) wrong answer for ${hostOf(k)}`);
      if (i >= 0) times.push(Number(t1 - t0) / 1000);
    }
  } finally {
    await client.close();
  }
  return latencyStats(times);
}

interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  statuses: Record<string, number>;
}

async function load(origin: string, pathsFile: string, connections: number, requests: number, warmup: number): Promise<LoadResult> {
  const { stdout } = await execFileP(process.execPath, [join(ROOT, 'dist', 'bench', 'load.js'), origin, pathsFile, String(connections), String(requests), String(warmup)], {
    timeout: 300_000,
  });
  const r = JSON.parse(stdout) as LoadResult;
  if (Object.keys(r.statuses).some((s) => s !== '200')) throw new Error(`load against ${origin} got statuses ${JSON.stringify(r.statuses)}`);
  return r;
}

async function measuredLoad(
  pid: number,
  origin: string,
  pathsFile: string,
  connections: number,
  requests: number,
  warmup: number,
): Promise<{ rps: number; cpuUs: number | null }> {
  const before = processCpuUs(pid);
  const r = await load(origin, pathsFile, connections, requests, warmup);
  const after = processCpuUs(pid);
  // The warm-up requests are inside the CPU window: count them.
  return { rps: r.rps, cpuUs: before === null || after === null ? null : (after - before) / (requests + warmup) };
}

export async function runSidecarBench(report: Report, opts: SidecarBenchOptions): Promise<void> {
  const n = opts.quick
    ? { a: 300, b: 20_000, b0: 5, c: 300, d: 1000, load: 8000, warm: 1000 }
    : { a: 2000, b: 100_000, b0: 20, c: 2000, d: 5000, load: 20_000, warm: 2000 };
  const work = mkdtempSync(join(tmpdir(), 'vmoodle-bench-'));
  const procs: Proc[] = [];
  let db: MariaDbServer | undefined;
  try {
    log(`sidecar bench: ${opts.tenants} tenants, ${opts.quick ? 'quick' : 'full'} sample sizes (work dir ${work})`);
    db = await startMariaDb({ dir: join(work, 'db') });
    const ro = await createRegistry(db, opts.tenants);
    const dsn = `mysql://${ro.roUser}:${ro.roPass}@127.0.0.1:${db.port}/${ro.database}`;
    const hostsFile = join(work, 'hosts.json');
    writeFileSync(hostsFile, JSON.stringify(Array.from({ length: opts.tenants }, (_, i) => hostOf(i))));

    // Sidecar on its default transport (unix socket) for (b)–(d); a second one on TCP loopback for throughput.
    const stateDir = join(work, 'state');
    const sock = join(stateDir, 'sidecar.sock');
    const sc = startProc(process.execPath, [SIDECAR_MAIN, '--registry', dsn, '--state-dir', stateDir, '--log-level', 'warn']);
    procs.push(sc);
    const tcpPort = await freePort();
    const tcpDir = join(work, 'state-tcp');
    mkdirSync(tcpDir);
    const scTcp = startProc(process.execPath, [SIDECAR_MAIN, '--registry', dsn, '--state-dir', tcpDir, '--listen', `127.0.0.1:${tcpPort}`, '--log-level', 'warn']);
    procs.push(scTcp);
    await until('sidecar ready', async () => (await httpGet({ socketPath: sock }, '/readyz')).status === 200);
    await until('tcp sidecar ready', async () => (await httpGet({ origin: `http://127.0.0.1:${tcpPort}` }, '/readyz')).status === 200);
    const mapFile = join(stateDir, 'vmoodle-map.php');

    log('(a)  VMoodle: new MySQL connection + SELECT per lookup (mysql2, TCP) …');
    const a = await benchVmoodleMysql2(db, ro, opts.tenants, n.a);
    log("(a') VMoodle in PHP: new mysqli connection + SELECT per lookup (TCP) …");
    const a2 = latencyStats(await runPhp([join(PHP_BENCH, 'mysqli.php'), hostsFile, String(n.a), '127.0.0.1', String(db.port), ro.roUser, ro.roPass, ro.database]));
    log('(b)  PHP include, map fast path, opcache …');
    const bTimes = await runPhp([
      '-d', 'opcache.enable=1', '-d', 'opcache.enable_cli=1', '-d', 'opcache.memory_consumption=128',
      join(PHP_BENCH, 'lookups.php'), PHP_INCLUDE, hostsFile, String(n.b), mapFile, sock,
    ]);
    const b = latencyStats(bTimes);
    log('(b0) PHP include, map without opcache (why opcache matters) …');
    const b0 = latencyStats(await runPhp(['-d', 'opcache.enable_cli=0', join(PHP_BENCH, 'lookups.php'), PHP_INCLUDE, hostsFile, String(n.b0), mapFile, sock]));
    log('(c)  PHP include, HTTP fallback (new curl connection per lookup, unix socket) …');
    const c = latencyStats(await runPhp([join(PHP_BENCH, 'lookups.php'), PHP_INCLUDE, hostsFile, String(n.c), '-', sock]));
    log('(d)  undici → sidecar, keep-alive, unix socket …');
    const d = await benchDirectClient(sock, opts.tenants, n.d);

    log('throughput: bare node:http vs sidecar, TCP loopback, load generator in a second process …');
    const sample = await httpGet({ origin: `http://127.0.0.1:${tcpPort}` }, `/v1/resolve?host=${hostOf(4242 % opts.tenants)}`);
    const bodyFile = join(work, 'body.json');
    writeFileSync(bodyFile, sample.text);
    const barePort = await freePort();
    const bare = startProc(process.execPath, [join(ROOT, 'dist', 'bench', 'bare-server.js'), String(barePort), bodyFile]);
    procs.push(bare);
    await until('bare server', async () => bare.output().includes('ready'));
    const pathsFile = join(work, 'paths.json');
    const pick = sampler(13, opts.tenants);
    writeFileSync(pathsFile, JSON.stringify(Array.from({ length: 10_000 }, () => `/v1/resolve?host=${hostOf(pick())}`)));
    const CONNECTIONS = 16;
    const ROUNDS = 3;
    // Alternating rounds, best of each: on a shared machine the best round is the least disturbed one.
    // Server CPU per request (from /proc) is printed too: it is much less sensitive to other load.
    const bareRuns: Array<{ rps: number; cpuUs: number | null }> = [];
    const sidecarRuns: Array<{ rps: number; cpuUs: number | null }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      bareRuns.push(await measuredLoad(bare.child.pid!, `http://127.0.0.1:${barePort}`, pathsFile, CONNECTIONS, n.load, n.warm));
      sidecarRuns.push(await measuredLoad(scTcp.child.pid!, `http://127.0.0.1:${tcpPort}`, pathsFile, CONNECTIONS, n.load, n.warm));
    }
    const bareBest = Math.max(...bareRuns.map((r) => r.rps));
    const sidecarBest = Math.max(...sidecarRuns.map((r) => r.rps));
    const bareCpu = median(bareRuns.map((r) => r.cpuUs));
    const sidecarCpu = median(sidecarRuns.map((r) => r.cpuUs));

    // Report.
    const baseline = Math.min(a.p50, a2.p50); // the faster of the two VMoodle measurements: conservative
    const row = (name: string, s: LatencyStats): string =>
      `${name.padEnd(62)} ${String(s.n).padStart(7)} ${fmtUs(s.p50).padStart(10)} ${fmtUs(s.p99).padStart(10)} ${(a.p50 / s.p50).toFixed(1).padStart(9)}× ${(a2.p50 / s.p50).toFixed(1).padStart(9)}×`;
    log('');
    log(`${'lookup path'.padEnd(62)} ${'n'.padStart(7)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'vs (a) p50'.padStart(10)} ${"vs (a') p50".padStart(10)}`);
    log(row('(a)  VMoodle: new MySQL connection + SELECT (mysql2)', a));
    log(row("(a') VMoodle: new MySQL connection + SELECT (PHP mysqli)", a2));
    log(row('(b)  PHP include, map fast path (opcache)', b));
    log(row('(b0) PHP include, map without opcache', b0));
    log(row('(c)  PHP include, HTTP fallback (new connection, unix socket)', c));
    log(row('(d)  undici → sidecar (keep-alive, unix socket)', d));
    log('');
    const ratio = sidecarBest / bareBest;
    const cpu = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(1)} µs`);
    log(`throughput (${CONNECTIONS} connections, ${n.load} requests per round, best of ${ROUNDS} alternating rounds, TCP loopback):`);
    log(`  bare node:http constant JSON  ${bareBest.toFixed(0).padStart(8)} req/s   server CPU/request ${cpu(bareCpu)} (median)`);
    log(`  vmoodle-sidecar /v1/resolve   ${sidecarBest.toFixed(0).padStart(8)} req/s   server CPU/request ${cpu(sidecarCpu)} (median)`);
    log(`  sidecar/bare: ${(ratio * 100).toFixed(1)}% of the throughput` +
      (bareCpu !== null && sidecarCpu !== null ? `, ${((bareCpu / sidecarCpu) * 100).toFixed(1)}% by CPU per request` : ''));
    log(`  per-round req/s  bare: ${bareRuns.map((r) => r.rps.toFixed(0)).join(', ')}  sidecar: ${sidecarRuns.map((r) => r.rps.toFixed(0)).join(', ')}`);
    log('');
    const fastRatio = baseline / b.p50;
    const fastOk = fastRatio >= 50;
    const tputOk = ratio >= 0.7;
    log('targets:');
    log(`  PHP fast path ≥ 50× faster than VMoodle's lookup at p50: ${fastRatio.toFixed(0)}× (vs the faster of (a)/(a')) — ${fastOk ? 'MET' : 'NOT MET'}`);
    log(`  sidecar throughput ≥ 70% of bare node:http: ${(ratio * 100).toFixed(1)}% — ${tputOk ? 'MET' : 'NOT MET'}`);

    // The same figures for the summary table and the JSON results, each against its floor.
    const vmoodle = { label: "VMoodle lookup p50 (faster of (a)/(a'))", value: baseline };
    const lookup = (id: string, label: string, s: LatencyStats, target?: number): void => {
      report.add('sidecar', { id, label: `${label}, ${opts.tenants} tenants`, unit: 'µs', value: s.p50, floor: vmoodle, stat: `p50 of ${s.n}, p99 ${fmtUs(s.p99)}`, ...(target ? { target: { on: 'ratio' as const, bound: 'max' as const, limit: target } } : {}) });
    };
    lookup('lookup-php-map-opcache', 'PHP include, map fast path (opcache)', b, 1 / 50);
    lookup('lookup-php-map-no-opcache', 'PHP include, map without opcache', b0);
    lookup('lookup-php-http-fallback', 'PHP include, HTTP fallback', c);
    lookup('lookup-undici-keepalive', 'undici → sidecar, keep-alive', d);
    report.add('sidecar', {
      id: 'sidecar-throughput',
      label: `sidecar /v1/resolve throughput, ${CONNECTIONS} connections`,
      unit: 'req/s',
      value: sidecarBest,
      floor: { label: 'bare node:http constant JSON', value: bareBest },
      target: { on: 'ratio', bound: 'min', limit: 0.7 },
      stat: `best of ${ROUNDS} alternating rounds`,
    });
  } finally {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    if (db) await stopMariaDb(db, { remove: true }).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}
