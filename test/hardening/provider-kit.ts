// What the provider hardening tests share: a template slow enough to be caught mid-load, an exact
// inventory of what exists (databases, users, registry rows, data folders), terraform runs recorded
// for the secrets scan, and the provider processes an orphaning kill leaves behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { databases, users, registryRows } from '../helpers/fleet';
import { moodleFixturePath } from '../helpers/mariadb';
import type { Workspace, TfResult } from '../helpers/terraform';

/**
 * The Moodle fixture plus a content table of `rows` rows that carry the site URL, so that loading
 * the template (and a domain switch, which rewrites those links) takes long enough for a fault to
 * land in the middle of it.
 */
export function slowTemplate(dir: string, rows: number): string {
  const path = join(dir, 'slow-template.sql');
  const parts = [readFileSync(moodleFixturePath(), 'utf8')];
  parts.push(
    'CREATE TABLE `mdl_hardening_page` (`id` BIGINT(10) NOT NULL AUTO_INCREMENT, `content` LONGTEXT NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;',
  );
  const batch = 200;
  for (let i = 0; i < rows; i += batch) {
    const values: string[] = [];
    for (let j = i; j < Math.min(rows, i + batch); j++) {
      values.push(`(${j + 1},'<a href="https://moodle.example.test/mod/page/view.php?id=${j}">page ${j}</a> ${'lorem ipsum '.repeat(4)}')`);
    }
    parts.push(`INSERT INTO \`mdl_hardening_page\` VALUES ${values.join(',')};`);
  }
  writeFileSync(path, parts.join('\n') + '\n');
  return path;
}

export interface Inventory {
  databases: string[];
  users: string[];
  /** `host state dbname` per registry row, sorted by host. */
  rows: string[];
  folders: string[];
}

export async function inventory(admin: Connection, datarootBase: string): Promise<Inventory> {
  return {
    databases: await databases(admin),
    users: await users(admin),
    rows: (await registryRows(admin)).map((r) => `${r.host} ${r.state} ${r.dbname}`),
    folders: existsSync(datarootBase) ? readdirSync(datarootBase).sort() : [],
  };
}

export interface ExpectedTenant {
  host: string;
  dbname: string;
  shortname: string;
  /** Default: the database name. */
  user?: string;
}

/** The inventory a converged fleet must have: exactly these tenants, each complete, nothing else. */
export function expectedInventory(tenants: readonly ExpectedTenant[], extra: { databases?: string[] } = {}): Inventory {
  const sortedBy = <T>(a: T[], key: (t: T) => string): T[] => [...a].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return {
    databases: [...tenants.map((t) => t.dbname), ...(extra.databases ?? [])].sort(),
    users: tenants.map((t) => `${t.user ?? t.dbname}@%`).sort(),
    rows: sortedBy([...tenants], (t) => t.host).map((t) => `${t.host} active ${t.dbname}`),
    folders: tenants.map((t) => t.shortname).sort(),
  };
}

/** True while some session runs a statement matching `like` (e.g. a template load or a rewrite). */
export async function running(admin: Connection, like: string): Promise<boolean> {
  const [rows] = await admin.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND <> 'Sleep' AND INFO LIKE ?", [like]);
  return Number((rows as Array<{ n: number }>)[0]!.n) > 0;
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, stepMs = 40): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Every terraform run's output and trace log, for the secrets scan at the end. */
export class Transcript {
  readonly texts: Array<{ what: string; text: string }> = [];
  private n = 0;

  /** Environment for one run with TF_LOG=trace into a file of its own. */
  traceEnv(ws: Workspace): { env: NodeJS.ProcessEnv; log: string } {
    const log = join(ws.dir, `trace-${++this.n}.log`);
    return { env: { TF_LOG: 'trace', TF_LOG_PATH: log }, log };
  }

  async run(ws: Workspace, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<TfResult & { out: string }> {
    const { env, log } = this.traceEnv(ws);
    const r = await ws.tf([...args, '-no-color'], { env: { ...opts.env, ...env }, timeoutMs: opts.timeoutMs ?? 300_000 });
    this.add(`terraform ${args[0]}`, r.stdout + r.stderr);
    this.addFile(`trace of terraform ${args[0]}`, log);
    return { ...r, out: r.stdout + r.stderr };
  }

  add(what: string, text: string): void {
    this.texts.push({ what, text });
  }

  addFile(what: string, path: string): void {
    if (existsSync(path)) this.texts.push({ what, text: readFileSync(path, 'utf8') });
  }

  /** Which secrets occur where (secrets shorter than 8 characters are not meaningful and are skipped). */
  leaks(secrets: Iterable<string>): string[] {
    const found: string[] = [];
    for (const s of new Set(secrets)) {
      if (s.length < 8) continue;
      for (const t of this.texts) if (t.text.includes(s)) found.push(`${t.what} contains a secret of ${s.length} characters`);
    }
    return found;
  }

  get bytes(): number {
    return this.texts.reduce((n, t) => n + t.text.length, 0);
  }
}

/**
 * Provider processes started for this workspace (found by HOME, which the workspace sets): after a
 * kill -9 of terraform they finish their calls and exit by themselves (provider/plugin/serve.ts);
 * this waits for that, and kills by pid what is still there after the grace time.
 */
export async function reapProviders(ws: Workspace, graceMs = 30_000): Promise<number> {
  const home = ws.env.HOME;
  const mine = (): number[] => {
    const out: number[] = [];
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
      try {
        const env = readFileSync(`/proc/${d}/environ`, 'utf8').split('\0');
        if (env.includes(`HOME=${home}`)) out.push(Number(d));
      } catch {
        /* gone, or not ours to read */
      }
    }
    return out;
  };
  const deadline = Date.now() + graceMs;
  let left = mine();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = mine();
  }
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return left.length;
}

export interface RunningTf {
  readonly child: ChildProcess;
  /** Resolves when terraform has exited, with its output. */
  readonly done: Promise<TfResult>;
}

/** Starts terraform (traced into the transcript) without waiting, so a test can break things mid-run. */
export function startTf(ws: Workspace, transcript: Transcript, args: string[]): RunningTf {
  const { env, log } = transcript.traceEnv(ws);
  const child = spawn('terraform', [...args, '-no-color'], { cwd: ws.dir, env: { ...ws.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<TfResult>((resolve) => {
    child.on('close', (code, signal) => {
      transcript.add(`terraform ${args[0]} (interrupted run)`, stdout + stderr);
      transcript.addFile(`trace of terraform ${args[0]} (interrupted run)`, log);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/**
 * Runs terraform and injects `fault` the first time `when` holds while it runs. Returns whether the
 * fault landed before terraform finished, and terraform's result.
 */
export async function faultDuring(
  ws: Workspace,
  transcript: Transcript,
  args: string[],
  when: () => Promise<boolean>,
  fault: (tf: RunningTf) => Promise<void>,
  timeoutMs = 240_000,
): Promise<{ landed: boolean; result: TfResult }> {
  const tf = startTf(ws, transcript, args);
  let finished = false;
  void tf.done.then(() => (finished = true));
  const deadline = Date.now() + timeoutMs;
  let landed = false;
  while (!finished && Date.now() < deadline) {
    if (await when().catch(() => false)) {
      if (!finished) {
        await fault(tf);
        landed = true;
      }
      break;
    }
    await new Promise((r) => setTimeout(r, 40));
  }
  if (!finished && !landed) tf.child.kill('SIGKILL'); // timed out: never leave it running
  return { landed, result: await tf.done };
}
