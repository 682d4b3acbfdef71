// A private MariaDB server in a folder of our own: used by the tests (one per test file) and by the
// quickstart (the "embedded default"). It never touches the system's MariaDB: own datadir, socket,
// port and pid file, started with --no-defaults so /etc/mysql is not read.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface MariaDbServer {
  readonly dir: string;
  readonly port: number;
  readonly socket: string;
  readonly pid: number;
  /** DSN of an administrative account (all privileges, grant option) over TCP loopback. */
  readonly adminDsn: string;
  readonly adminUser: string;
  readonly adminPassword: string;
}

export interface StartOptions {
  /** Folder holding data/, the socket, the pid file and the log. Created when missing. */
  dir: string;
  port?: number;
  adminUser?: string;
  adminPassword?: string;
}

export class MariaDbStartError extends Error {
  override name = 'MariaDbStartError';
}

const BINARY_CANDIDATES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd'];

function findBinary(): string {
  const found = BINARY_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new MariaDbStartError(
      'mariadbd was not found. Install it with: apt-get install -y mariadb-server',
    );
  }
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new MariaDbStartError(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function runSql(socket: string, user: string, password: string | undefined, sql: string): Promise<string> {
  const args = ['--no-defaults', `--socket=${socket}`, `--user=${user}`, '-N', '-B', '-e', sql];
  if (password !== undefined) args.splice(3, 0, `--password=${password}`);
  const { stdout } = await execFileP('mariadb', args, { timeout: 30_000 });
  return stdout;
}

/**
 * Starts (or re-attaches to) a private server in opts.dir. Idempotent: if the pid file names a live
 * server, that server is returned, so the quickstart can be run twice.
 */
export async function startMariaDb(opts: StartOptions): Promise<MariaDbServer> {
  const dir = opts.dir;
  const dataDir = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const pidFile = join(dir, 'mysqld.pid');
  const infoFile = join(dir, 'server.json');
  const adminUser = opts.adminUser ?? 'vmoodle_admin';
  const adminPassword = opts.adminPassword ?? 'admin-' + Math.random().toString(36).slice(2, 12);
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  if (existsSync(pidFile) && existsSync(infoFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0 && isAlive(pid)) {
      return JSON.parse(readFileSync(infoFile, 'utf8')) as MariaDbServer;
    }
  }

  const binary = findBinary();
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const userArgs = asRoot ? ['--user=root'] : [];
  const fresh = !existsSync(join(dataDir, 'mysql'));
  // Each server gets its own tmpdir: mariadbd deletes every "#sql*" file in its tmpdir when it
  // starts, so servers sharing /tmp would delete each other's temporary tables mid-query.
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  const serverEnv = { ...process.env, TMPDIR: tmp };
  if (fresh) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    await execFileP(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
        ...userArgs,
      ],
      { timeout: 120_000, env: serverEnv },
    ).catch((err: Error) => {
      throw new MariaDbStartError(`mariadb-install-db failed: ${err.message}`);
    });
  }

  const port = opts.port ?? (await freePort());
  const child = spawn(
    binary,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--pid-file=${pidFile}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--log-error=${join(dir, 'mysqld.log')}`,
      `--tmpdir=${tmp}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=64M',
      '--innodb-log-file-size=16M',
      '--innodb-flush-log-at-trx-commit=2',
      '--max-connections=500',
      '--skip-name-resolve',
      ...userArgs,
    ],
    { detached: true, stdio: 'ignore', env: serverEnv },
  );
  child.unref();
  const pid = child.pid;
  if (!pid) throw new MariaDbStartError('mariadbd did not start');

  await waitFor(
    async () => {
      if (!isAlive(pid)) {
        const log = existsSync(join(dir, 'mysqld.log')) ? readFileSync(join(dir, 'mysqld.log'), 'utf8') : '';
        throw new MariaDbStartError(`mariadbd exited during start-up. Last log lines:\n${log.split('\n').slice(-15).join('\n')}`);
      }
      if (!existsSync(socket)) return false;
      try {
        await runSql(socket, 'root', undefined, 'SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    60_000,
    'mariadbd to accept connections',
  );

  if (fresh) {
    const pw = adminPassword.replace(/'/g, "''");
    await runSql(
      socket,
      'root',
      undefined,
      [
        `CREATE USER '${adminUser}'@'%' IDENTIFIED BY '${pw}'`,
        `GRANT ALL PRIVILEGES ON *.* TO '${adminUser}'@'%' WITH GRANT OPTION`,
        `CREATE USER '${adminUser}'@'localhost' IDENTIFIED BY '${pw}'`,
        `GRANT ALL PRIVILEGES ON *.* TO '${adminUser}'@'localhost' WITH GRANT OPTION`,
        'FLUSH PRIVILEGES',
      ].join(';'),
    );
  }

  const previous = existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as MariaDbServer) : undefined;
  const password = fresh || !previous ? adminPassword : previous.adminPassword;
  const info: MariaDbServer = {
    dir,
    port,
    socket,
    pid,
    adminUser,
    adminPassword: password,
    adminDsn: `mysql://${encodeURIComponent(adminUser)}:${encodeURIComponent(password)}@127.0.0.1:${port}/`,
  };
  writeFileSync(infoFile, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  return info;
}

/** Stops the server by pid (SIGTERM, then SIGKILL after the grace time) and optionally deletes its folder. */
export async function stopMariaDb(server: Pick<MariaDbServer, 'pid' | 'dir'>, opts: { remove?: boolean } = {}): Promise<void> {
  if (isAlive(server.pid)) {
    process.kill(server.pid, 'SIGTERM');
    try {
      await waitFor(async () => !isAlive(server.pid), 30_000, 'mariadbd to stop');
    } catch {
      if (isAlive(server.pid)) process.kill(server.pid, 'SIGKILL');
    }
  }
  if (opts.remove) rmSync(server.dir, { recursive: true, force: true });
}

/** Kills the server without a shutdown (crash simulation) and waits until the pid is gone. */
export async function killMariaDb(server: Pick<MariaDbServer, 'pid'>): Promise<void> {
  if (isAlive(server.pid)) process.kill(server.pid, 'SIGKILL');
  await waitFor(async () => !isAlive(server.pid), 10_000, 'mariadbd to die');
}
