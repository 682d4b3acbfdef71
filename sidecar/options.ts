// Command line of vmoodle-sidecar. Secrets (registry DSN, token) can also come from the environment
// or a file, because a command line is visible to every local user in `ps`.
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRegistryDsn, type RegistryDsn } from './dsn';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type ListenSpec = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

export interface SidecarOptions {
  registry: RegistryDsn;
  listen: ListenSpec;
  stateDir: string;
  phpMap: string;
  stateFile: string;
  token?: string;
  pollIntervalMs: number;
  logLevel: string;
}

export const USAGE = `Usage: vmoodle-sidecar --registry DSN --state-dir DIR [options]

Serves the tenants of the vmoodle registry to Moodle's config.php (see sidecar/php/vmoodle.php).

  --registry DSN        mysql://user:pass@host:port/db or mysql://user:pass@localhost/db?socket=/path
                        (a read-only user is enough; env VMOODLE_SIDECAR_REGISTRY)
  --state-dir DIR       last good snapshot (snapshot.json, 0600), default socket and PHP map
                        (env VMOODLE_SIDECAR_STATE_DIR)
  --listen ADDR         unix:PATH (default unix:<state-dir>/sidecar.sock, mode 0660) or HOST:PORT
  --php-map FILE        PHP map for the include's fast path (default <state-dir>/vmoodle-map.php, 0640)
  --token TOKEN         require "Authorization: Bearer TOKEN" on /v1/* and /metrics
  --token-file FILE     the same, read from a file (env VMOODLE_SIDECAR_TOKEN)
  --poll-interval MS    registry generation poll interval (default 1000)
  --log-level LEVEL     fatal, error, warn, info (default), debug, trace, silent
  --help                this text

Signals: SIGTERM/SIGINT stop it; SIGHUP rereads the whole registry over a new connection.
`;

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function parseListen(spec: string): ListenSpec {
  if (spec.startsWith('unix:')) {
    const path = spec.slice(5);
    if (!path) throw new UsageError('--listen unix: needs a path');
    return { kind: 'unix', path: resolve(path) };
  }
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(spec);
  if (!m) throw new UsageError('--listen must be unix:PATH or HOST:PORT');
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError('--listen port must be 0..65535');
  return { kind: 'tcp', host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.[0-9.]+$/.test(host);
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): SidecarOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        registry: { type: 'string' },
        listen: { type: 'string' },
        'state-dir': { type: 'string' },
        'php-map': { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'poll-interval': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) return 'help';

  const dsnText = v.registry ?? env.VMOODLE_SIDECAR_REGISTRY;
  if (!dsnText) throw new UsageError('--registry is required (or VMOODLE_SIDECAR_REGISTRY)');
  let registry: RegistryDsn;
  try {
    registry = parseRegistryDsn(dsnText);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }

  const stateDirText = v['state-dir'] ?? env.VMOODLE_SIDECAR_STATE_DIR;
  if (!stateDirText) throw new UsageError('--state-dir is required (or VMOODLE_SIDECAR_STATE_DIR)');
  const stateDir = resolve(stateDirText);

  const listen = parseListen(v.listen ?? `unix:${join(stateDir, 'sidecar.sock')}`);
  const phpMap = v['php-map'] ? resolve(v['php-map']) : join(stateDir, 'vmoodle-map.php');

  let token = v.token;
  if (token === undefined && v['token-file']) {
    const file = isAbsolute(v['token-file']) ? v['token-file'] : resolve(v['token-file']);
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch {
      throw new UsageError('--token-file cannot be read');
    }
  }
  token ??= env.VMOODLE_SIDECAR_TOKEN || undefined;
  if (token !== undefined && token.length < 16) throw new UsageError('the token must be at least 16 characters');

  const pollText = v['poll-interval'] ?? '1000';
  const pollIntervalMs = Number(pollText);
  if (!/^[0-9]+$/.test(pollText) || pollIntervalMs < 50 || pollIntervalMs > 3_600_000) {
    throw new UsageError('--poll-interval must be an integer number of milliseconds, 50..3600000');
  }
  const logLevel = v['log-level'] ?? 'info';
  if (!LOG_LEVELS.has(logLevel)) throw new UsageError(`--log-level must be one of ${[...LOG_LEVELS].join(', ')}`);

  const out: SidecarOptions = {
    registry,
    listen,
    stateDir,
    phpMap,
    stateFile: join(stateDir, 'snapshot.json'),
    pollIntervalMs,
    logLevel,
  };
  if (token !== undefined) out.token = token;
  return out;
}
