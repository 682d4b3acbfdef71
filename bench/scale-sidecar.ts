// vmoodle-sidecar on a very large registry (100,000 tenants): memory, cold load, reload, and request
// latency while a reload is in progress vs at rest. Floors, measured in the same run: a sidecar on an
// empty registry (process + fastify baseline), and a bare mysql2 read of the same rows (the part of a
// reload no implementation can skip). Latency comes from an open-loop probe in a second process on
// TCP loopback (bench/latency-load.ts), bounded in count and time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { startMariaDb, stopMariaDb, freePort, type MariaDbServer } from '../lib/mariadb-server';
import { createRegistry, hostOf, httpGet, log, median, processMemoryMb, sampler, sleep, startProc, until, hrMs, type Proc, type RegistryFixture } from './common';
import { latencyStats } from './stats';
import type { Report } from './report';

const ROOT = join(__dirname, '..', '..');
const SIDECAR_MAIN = join(ROOT, 'dist', 'sidecar', 'main.js');
const LOAD_MAIN = join(ROOT, 'dist', 'bench', 'latency-load.js');

/** Probe warm-up, excluded from the latency figures. */
const WARMUP_MS = 3000;

export interface SidecarScaleOptions {
  quick: boolean;
}

interface Sidecar {
  proc: Proc;
  origin: string;
  stateFile: string;
  /** ms from spawn to /readyz 200. */
  readyMs: number;
}

async function startSidecar(work: string, name: string, db: MariaDbServer, ro: RegistryFixture): Promise<Sidecar> {
  const port = await freePort();
  const stateDir = join(work, name);
  const dsn = `mysql://${ro.roUser}:${ro.roPass}@127.0.0.1:${db.port}/${ro.database}`;
  const t0 = hrMs();
  // A short poll interval so a reload starts right after the registry changes (the poll itself is one PK row).
  const proc = startProc(process.execPath, [SIDECAR_MAIN, '--registry', dsn, '--state-dir', stateDir, '--listen', `127.0.0.1:${port}`, '--poll-interval', '100', '--log-level', 'warn']);
  const origin = `http://127.0.0.1:${port}`;
  await until(`${name} sidecar ready`, async () => (await httpGet({ origin }, '/readyz')).status === 200, 300_000, 10);
  return { proc, origin, stateFile: join(stateDir, 'snapshot.json'), readyMs: hrMs() - t0 };
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

async function waitForWrite(path: string, after: number, timeoutMs = 120_000): Promise<void> {
  await until(`${path} rewritten`, async () => mtimeMs(path) > after, timeoutMs, 10);
}

/** One scrape of /metrics (which also resets the sidecar's event-loop stall gauges). */
async function metrics(origin: string): Promise<(name: string) => number> {
  const text = (await httpGet({ origin }, '/metrics')).text;
  return (name) => {
    const m = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
    if (!m) throw new Error(`metric ${name} missing`);
    return Number(m[1]);
  };
}

/** The rows a reload reads, with mysql2 and nothing else: the floor of any reload. */
async function rawRead(db: MariaDbServer, ro: RegistryFixture): Promise<number> {
  const conn = await createConnection({ host: '127.0.0.1', port: db.port, user: ro.roUser, password: ro.roPass, database: ro.database });
  try {
    const t0 = hrMs();
    const [rows] = await conn.query(
      "SELECT id, host, enabled, name, shortname, wwwroot, server, dbtype, dbhost, dbport, dbsocket, dbname, dbuser, dbpass, prefix, dataroot, config FROM vmoodle_tenant WHERE state = 'active' ORDER BY host",
    );
    const ms = hrMs() - t0;
    if (!Array.isArray(rows) || rows.length === 0) throw new Error('raw read found no rows');
    return ms;
  } finally {
    await conn.end();
  }
}

interface LoadRun {
  samples: Array<[number, number, number]>;
  statuses: Record<string, number>;
  /** How late the probe itself sent requests (machine load), p50/p99/max in µs. */
  lagUs: { p50: number; p99: number; max: number };
}

function startLoad(origin: string, pathsFile: string, rate: number, maxSeconds: number): { stop(): Promise<LoadRun> } {
  const child = spawn(process.execPath, [LOAD_MAIN, origin, pathsFile, '32', String(rate), String(maxSeconds), String(rate * maxSeconds)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.stdin.end('stop\n');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
      if (!out.trim()) throw new Error(`latency probe failed: ${err.slice(-2000)}`);
      return JSON.parse(out) as LoadRun;
    },
  };
}

export async function runSidecarScaleBench(report: Report, opts: SidecarScaleOptions): Promise<void> {
  const n = opts.quick
    ? { tenants: 10_000, reloads: 1, restMs: 2000, rate: 500, rawReads: 2 }
    : { tenants: 100_000, reloads: 3, restMs: 3000, rate: 1000, rawReads: 3 };
  const work = mkdtempSync(join(tmpdir(), 'vmoodle-bench-scale-'));
  const procs: Proc[] = [];
  let db: MariaDbServer | undefined;
  try {
    log(`sidecar scale: ${n.tenants} tenants (work dir ${work}) …`);
    db = await startMariaDb({ dir: join(work, 'db') });
    const empty = await createRegistry(db, 0, 'vmoodle_registry_empty');
    const t0 = hrMs();
    const big = await createRegistry(db, n.tenants);
    log(`    registry of ${n.tenants} rows written in ${((hrMs() - t0) / 1000).toFixed(1)} s`);

    const rawMs: number[] = [];
    for (let i = 0; i < n.rawReads; i++) rawMs.push(await rawRead(db, big));

    // Floor sidecar first (empty registry), then the big one; both stay up so RSS is read at rest.
    const floor = await startSidecar(work, 'empty', db, empty);
    procs.push(floor.proc);
    const sc = await startSidecar(work, 'big', db, big);
    procs.push(sc.proc);
    await waitForWrite(sc.stateFile, 0);
    const coldReloadS = (await metrics(sc.origin))('vmoodle_sidecar_last_reload_duration_seconds');
    await sleep(1000);
    const floorMem = processMemoryMb(floor.proc.child.pid!);
    const restMem = processMemoryMb(sc.proc.child.pid!);

    const pathsFile = join(work, 'paths.json');
    const pick = sampler(21, n.tenants);
    writeFileSync(pathsFile, JSON.stringify(Array.from({ length: 20_000 }, () => `/v1/resolve?host=${hostOf(pick())}`)));

    log(`    latency probe: ${n.rate} req/s open loop, ${n.reloads} reload(s) of ${n.tenants} tenants in between rest windows …`);
    const admin = await createConnection({ host: '127.0.0.1', port: db.port, user: db.adminUser, password: db.adminPassword, database: big.database });
    const windows: Array<[number, number]> = [];
    const internalReload: number[] = [];
    const stalls: number[] = [];
    const endToEnd: number[] = [];
    const load = startLoad(sc.origin, pathsFile, n.rate, Math.ceil((WARMUP_MS + n.restMs * (n.reloads + 1)) / 1000) + 60 * n.reloads);
    // The probe's first seconds (connections opening, both processes' JIT warming up) are no one's
    // steady state: left out of both figures.
    await sleep(WARMUP_MS);
    const warmEnd = performance.timeOrigin + performance.now();
    // The same stall gauge over a window without a reload: what the machine alone does to the loop
    // (timer lateness includes waiting for a core, and the gauge cannot read below its 5 ms resolution).
    await metrics(sc.origin);
    await sleep(n.restMs);
    const restStall = (await metrics(sc.origin))('vmoodle_sidecar_event_loop_delay_max_seconds') * 1000;
    try {
      for (let r = 0; r < n.reloads; r++) {
        await sleep(n.restMs);
        await metrics(sc.origin); // resets the stall gauges: the next scrape covers this reload only
        const before = mtimeMs(sc.stateFile);
        // A real change, written the way the provider writes: row and generation in one transaction.
        await admin.beginTransaction();
        await admin.query('UPDATE vmoodle_tenant SET name = ? WHERE id = ?', [`Renamed ${r}`, 'site1']);
        await admin.query('UPDATE vmoodle_meta SET generation = generation + 1 WHERE id = 1');
        const start = performance.timeOrigin + performance.now();
        await admin.commit();
        await waitForWrite(sc.stateFile, before);
        const end = performance.timeOrigin + performance.now();
        windows.push([start, end]);
        endToEnd.push(end - start);
        const m = await metrics(sc.origin);
        internalReload.push(m('vmoodle_sidecar_last_reload_duration_seconds') * 1000);
        stalls.push(m('vmoodle_sidecar_event_loop_delay_max_seconds') * 1000);
      }
      await sleep(n.restMs);
    } finally {
      await admin.end().catch(() => undefined);
    }
    const run = await load.stop();
    // Raw samples and reload windows, for looking into a surprising figure (not part of the report).
    if (process.env.VMOODLE_BENCH_DUMP) writeFileSync(process.env.VMOODLE_BENCH_DUMP, JSON.stringify({ windows, samples: run.samples }));
    const peakMem = processMemoryMb(sc.proc.child.pid!);
    if (Object.keys(run.statuses).some((s) => s !== '200')) throw new Error(`latency probe got statuses ${JSON.stringify(run.statuses)}`);
    const during: number[] = [];
    const rest: number[] = [];
    // A sample belongs to a reload when it was scheduled inside [commit, state file written]; the
    // 500 ms after each window are left out of "at rest" (connections settling after a stall).
    for (const [at, us] of run.samples) {
      if (at < warmEnd) continue;
      if (windows.some(([s, e]) => at >= s && at <= e)) during.push(us);
      else if (!windows.some(([, e]) => at > e && at <= e + 500)) rest.push(us);
    }
    const d = latencyStats(during);
    const r = latencyStats(rest);
    const maxDuring = Math.max(...during);

    const S = 'sidecar';
    const label = `${n.tenants / 1000}k tenants`;
    report.add(S, {
      id: 'sidecar-rss-rest',
      label: `sidecar RSS at rest, ${label}`,
      unit: 'MB',
      value: restMem!.rss,
      floor: { label: 'sidecar on an empty registry', value: floorMem!.rss },
      target: { on: 'value', bound: 'max', limit: 300 },
      stat: 'after cold load',
    });
    report.add(S, {
      id: 'sidecar-rss-peak',
      label: `sidecar peak RSS (VmHWM) over load + ${n.reloads} reload(s), ${label}`,
      unit: 'MB',
      value: peakMem!.peak,
      floor: { label: 'sidecar on an empty registry', value: floorMem!.peak },
      target: { on: 'value', bound: 'max', limit: 300 },
    });
    report.add(S, {
      id: 'sidecar-cold-load',
      label: `sidecar cold start → ready, ${label}`,
      unit: 'ms',
      value: sc.readyMs,
      floor: { label: 'sidecar on an empty registry', value: floor.readyMs },
      stat: 'one run',
      note: `snapshot read+build ${(coldReloadS * 1000).toFixed(0)} ms of it`,
    });
    report.add(S, {
      id: 'sidecar-reload',
      label: `sidecar reload (read + validate + build + swap), ${label}`,
      unit: 'ms',
      value: median(internalReload)!,
      floor: { label: 'bare mysql2 read of the rows', value: median(rawMs)! },
      target: { on: 'value', bound: 'max', limit: 2000 },
      stat: `median of ${n.reloads}`,
      samples: internalReload,
      floorSamples: rawMs,
    });
    report.add(S, {
      id: 'sidecar-reload-e2e',
      label: `registry commit → new snapshot served, PHP map + state file written, ${label}`,
      unit: 'ms',
      value: median(endToEnd)!,
      floor: { label: 'bare mysql2 read of the rows', value: median(rawMs)! },
      stat: `median of ${n.reloads}, incl. ≤100 ms poll interval`,
      samples: endToEnd,
    });
    report.add(S, {
      id: 'sidecar-p50-reload',
      label: `resolve p50 during reload, ${label}`,
      unit: 'µs',
      value: d.p50,
      floor: { label: 'p50 at rest', value: r.p50 },
      stat: `${d.n} vs ${r.n} requests`,
    });
    report.add(S, {
      id: 'sidecar-p99-reload',
      label: `resolve p99 during reload, ${label}`,
      unit: 'µs',
      value: d.p99,
      floor: { label: 'p99 at rest', value: r.p99 },
      target: { on: 'value', bound: 'max', limit: 5000 },
      stat: `${d.n} vs ${r.n} requests, ${n.rate} req/s open loop`,
      note: `max during reload ${(maxDuring / 1000).toFixed(1)} ms; probe's own send lag p99 ${(run.lagUs.p99 / 1000).toFixed(1)} ms (machine load)`,
    });
    report.add(S, {
      id: 'sidecar-loop-stall-reload',
      label: `sidecar HTTP thread, longest event-loop stall during a reload, ${label}`,
      unit: 'ms',
      value: Math.max(...stalls),
      floor: { label: 'the same gauge over a window at rest', value: restStall },
      stat: `max over ${n.reloads} reload(s), perf_hooks, 5 ms resolution`,
      samples: stalls,
      note: 'timer lateness of the HTTP thread: what it blocks plus waiting for a core; the target is on the p99 above',
    });
  } finally {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    if (db) await stopMariaDb(db, { remove: true }).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}
