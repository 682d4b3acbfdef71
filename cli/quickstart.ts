// `vmoodle quickstart [up|down]`: the whole job on an embedded default, in .vmoodle/ of this
// checkout: a private MariaDB, the provider installed in a local mirror, examples/quickstart applied
// with the real terraform, and the sidecar answering for both sites. `down` undoes all of it.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startMariaDb, stopMariaDb, type MariaDbServer } from '../lib/mariadb-server';
import { installProvider, cliConfigFor } from './provider-install';

const ROOT = resolve(__dirname, '..', '..');
const HOME = join(ROOT, '.vmoodle');
const DIRS = {
  db: join(HOME, 'mariadb'),
  mirror: join(HOME, 'plugins'),
  work: join(HOME, 'quickstart'),
  data: join(HOME, 'sites'),
  sidecar: join(HOME, 'sidecar'),
};
const REGISTRY_DB = 'vmoodle_registry';
const SIDECAR_USER = 'vmoodle_sidecar';

class QuickstartError extends Error {
  override name = 'QuickstartError';
}

function say(line: string): void {
  process.stdout.write(`» ${line}\n`);
}

function sql(server: MariaDbServer, statement: string): string {
  const r = spawnSync('mariadb', ['--no-defaults', `--socket=${server.socket}`, '-uroot', '-N', '-B', '-e', statement], { encoding: 'utf8' });
  if (r.status !== 0) throw new QuickstartError(`mariadb: ${r.stderr.trim()}`);
  return r.stdout;
}

function terraformEnv(server: MariaDbServer): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: join(HOME, 'terraformrc'),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    VMOODLE_REGISTRY: `${server.adminDsn}${REGISTRY_DB}`,
    VMOODLE_SERVER_DEFAULT: server.adminDsn,
    VMOODLE_DATAROOT_BASE: DIRS.data,
  };
}

function terraform(args: string[], env: NodeJS.ProcessEnv): void {
  say(`terraform ${args.join(' ')}`);
  const r = spawnSync('terraform', args, { cwd: DIRS.work, env, stdio: 'inherit' });
  if (r.error) throw new QuickstartError(`could not run terraform: ${r.error.message}. Install the Terraform CLI (>= 1.11) and put it on PATH.`);
  if (r.status !== 0) throw new QuickstartError(`terraform ${args[0]} failed (exit ${r.status})`);
}

function sidecarPid(): number | null {
  const file = join(DIRS.sidecar, 'sidecar.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function get(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  const { Client } = await import('undici');
  const client = new Client('http://sidecar', { socketPath });
  try {
    const res = await client.request({ method: 'GET', path });
    return { status: res.statusCode, body: await res.body.text() };
  } finally {
    await client.close();
  }
}

async function startSidecar(server: MariaDbServer): Promise<string> {
  mkdirSync(DIRS.sidecar, { recursive: true, mode: 0o700 });
  const socket = join(DIRS.sidecar, 'sidecar.sock');
  if (sidecarPid() !== null) return socket;
  const password = randomBytes(18).toString('hex');
  sql(server, `CREATE USER IF NOT EXISTS '${SIDECAR_USER}'@'%' IDENTIFIED BY '${password}'; ALTER USER '${SIDECAR_USER}'@'%' IDENTIFIED BY '${password}'; GRANT SELECT ON ${REGISTRY_DB}.* TO '${SIDECAR_USER}'@'%'`);
  const log = openSync(join(DIRS.sidecar, 'sidecar.log'), 'a');
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'sidecar', 'main.js'), '--state-dir', DIRS.sidecar, '--listen', `unix:${socket}`, '--poll-interval', '500'],
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, VMOODLE_SIDECAR_REGISTRY: `mysql://${SIDECAR_USER}:${password}@127.0.0.1:${server.port}/${REGISTRY_DB}` },
    },
  );
  child.unref();
  writeFileSync(join(DIRS.sidecar, 'sidecar.pid'), String(child.pid));
  for (let i = 0; i < 100; i++) {
    if (existsSync(socket)) {
      const ready = await get(socket, '/readyz').catch(() => ({ status: 0, body: '' }));
      if (ready.status === 200) return socket;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new QuickstartError(`the sidecar did not become ready; see ${join(DIRS.sidecar, 'sidecar.log')}`);
}

async function up(): Promise<void> {
  mkdirSync(HOME, { recursive: true, mode: 0o700 });
  say('starting a private MariaDB in .vmoodle/mariadb');
  const server = await startMariaDb({ dir: DIRS.db });
  sql(server, `CREATE DATABASE IF NOT EXISTS ${REGISTRY_DB}`);

  say('installing the vmoodle provider into .vmoodle/plugins');
  installProvider({ dir: DIRS.mirror });
  writeFileSync(join(HOME, 'terraformrc'), cliConfigFor(DIRS.mirror));

  mkdirSync(DIRS.work, { recursive: true });
  mkdirSync(DIRS.data, { recursive: true });
  const example = join(ROOT, 'examples', 'quickstart');
  for (const f of readdirSync(example).filter((n) => n.endsWith('.tf'))) copyFileSync(join(example, f), join(DIRS.work, f));
  const env = terraformEnv(server);
  terraform(['init', '-input=false', '-no-color'], env);
  terraform(['apply', '-auto-approve', '-input=false'], env);

  say('starting the sidecar on .vmoodle/sidecar/sidecar.sock');
  const socket = await startSidecar(server);
  for (const host of ['physics.example.edu', 'maths.example.edu', 'unknown.example.edu']) {
    const r = await get(socket, `/v1/resolve?host=${encodeURIComponent(host)}`);
    const shown = r.status === 200 ? summarise(r.body) : r.body.trim();
    say(`resolve ${host} → ${r.status} ${shown}`);
  }
  process.stdout.write(
    `\nTry it yourself:\n  curl --unix-socket ${socket} 'http://sidecar/v1/resolve?host=physics.example.edu'\n` +
      `Stop and clean everything: npm run quickstart:stop\n`,
  );
}

function summarise(body: string): string {
  const cfg = JSON.parse(body) as Record<string, unknown>;
  return JSON.stringify({ wwwroot: cfg.wwwroot, dbname: cfg.dbname, dbuser: cfg.dbuser, dbpass: '(hidden)', prefix: cfg.prefix, dataroot: cfg.dataroot });
}

async function down(): Promise<void> {
  const pid = sidecarPid();
  if (pid !== null) {
    say('stopping the sidecar');
    process.kill(pid, 'SIGTERM');
  }
  const info = join(DIRS.db, 'server.json');
  if (existsSync(info)) {
    const server = JSON.parse(readFileSync(info, 'utf8')) as MariaDbServer;
    const running = await startMariaDb({ dir: DIRS.db, port: server.port });
    if (existsSync(join(DIRS.work, 'terraform.tfstate'))) terraform(['destroy', '-auto-approve', '-input=false'], terraformEnv(running));
    say('stopping MariaDB');
    await stopMariaDb(running);
  }
  rmSync(HOME, { recursive: true, force: true });
  say('removed .vmoodle/');
}

export async function quickstart(action: string): Promise<void> {
  if (action === 'up') return up();
  if (action === 'down') return down();
  throw new QuickstartError(`unknown quickstart action "${action}"; use up or down`);
}
