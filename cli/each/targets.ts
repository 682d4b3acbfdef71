// The sites `vmoodle each` runs on: the enabled tenants of the registry (one consistent snapshot),
// or of a local sidecar's GET /v1/tenants (what this web node actually serves; no registry
// credentials needed on the node), narrowed by --only glob patterns.
import { request } from 'node:http';
import { loadSnapshot } from '../../registry/reader';
import type { ServerSettings } from '../../provider/mysql/dsn';
import { openRegistry } from '../config';
import { CommandError, UsageError } from '../args';

export interface SiteTarget {
  /** host or host/subpath: what VMOODLE_HOST is set to. */
  key: string;
  id: string;
  wwwroot: string;
  enabled: boolean;
}

export async function targetsFromRegistry(settings: ServerSettings): Promise<SiteTarget[]> {
  const conn = await openRegistry(settings);
  try {
    const snap = await loadSnapshot(conn);
    return snap.tenants.map((t) => ({ key: t.host, id: t.id, wwwroot: t.wwwroot, enabled: t.enabled }));
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** `unix:/path/to/sidecar.sock` → the socket path; anything else names --sidecar as the culprit. */
export function parseSidecarAddress(spec: string): string {
  if (!spec.startsWith('unix:') || spec.length <= 5 || !spec.slice(5).startsWith('/')) {
    throw new UsageError('--sidecar', `must be unix:/absolute/path/to/sidecar.sock (got "${spec}")`);
  }
  return spec.slice(5);
}

interface TenantSummary {
  key: string;
  id: string;
  wwwroot: string;
  enabled: boolean;
}

export function targetsFromSidecar(socketPath: string, token: string | undefined, timeoutMs = 10_000): Promise<SiteTarget[]> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request({ socketPath, path: '/v1/tenants', method: 'GET', headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          const hint = res.statusCode === 401 ? ' (set VMOODLE_SIDECAR_TOKEN to the sidecar\'s token)' : res.statusCode === 503 ? ' (it has no snapshot loaded yet)' : '';
          reject(new CommandError(`the sidecar at ${socketPath} answered HTTP ${res.statusCode} to GET /v1/tenants${hint}`));
          return;
        }
        try {
          const body = JSON.parse(text) as { tenants?: TenantSummary[] };
          if (!Array.isArray(body.tenants)) throw new Error('no tenants array');
          resolve(body.tenants.map((t) => ({ key: String(t.key), id: String(t.id), wwwroot: String(t.wwwroot), enabled: t.enabled === true })));
        } catch (err) {
          reject(new CommandError(`the sidecar at ${socketPath} sent an unexpected tenant list: ${err instanceof Error ? err.message : String(err)}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new CommandError(`cannot reach the sidecar at ${socketPath}: ${err.message}`)));
    req.end();
  });
}

/** A shell-style glob (`*`, `?`) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/** Enabled targets whose key matches one of the patterns (all enabled ones without patterns). */
export function selectTargets(all: readonly SiteTarget[], patterns: readonly string[]): SiteTarget[] {
  const enabled = all.filter((t) => t.enabled);
  if (patterns.length === 0) return enabled;
  const res = patterns.map(globToRegExp);
  return enabled.filter((t) => res.some((r) => r.test(t.key)));
}
