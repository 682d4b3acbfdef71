// Which provider database server (a key of VMOODLE_SERVER_<NAME> / the provider's `servers`) holds
// each legacy database. VMoodle stores a bare host (`vdbhost`, sometimes `host:port`) per row; the
// provider names servers. One distinct vdbhost maps to `default` by itself; several need explicit
// `--server NAME=VDBHOST` mappings, because guessing which server is which would be a silent error.
import { UsageError } from '../args';

const NAME_RE = /^[a-z0-9_]{1,64}$/;

/** Parses repeated `--server NAME=VDBHOST` options. */
export function parseServerMappings(values: readonly string[]): Map<string, string> {
  const byHost = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq).trim().toLowerCase() : '';
    const host = eq > 0 ? v.slice(eq + 1).trim() : '';
    if (!NAME_RE.test(name) || host === '') throw new UsageError('--server', `"${v}" must be NAME=VDBHOST, e.g. --server default=db1.internal (NAME: a-z, 0-9, _)`);
    if (byHost.has(host.toLowerCase())) throw new UsageError('--server', `vdbhost "${host}" is mapped twice`);
    byHost.set(host.toLowerCase(), name);
  }
  return byHost;
}

/** A function from vdbhost to server name; throws a UsageError listing what needs mapping. */
export function serverResolver(vdbhosts: readonly string[], mappings: ReadonlyMap<string, string>): (vdbhost: string) => string {
  const distinct = [...new Set(vdbhosts.map((h) => h.toLowerCase()))].sort();
  const unmapped = distinct.filter((h) => !mappings.has(h));
  const defaultTaken = [...mappings.values()].includes('default');
  if (unmapped.length > 1 || (unmapped.length === 1 && defaultTaken)) {
    throw new UsageError(
      '--server',
      `the legacy sites use ${distinct.length} database hosts (${distinct.join(', ')}); name the provider server of each unmapped one: ` +
        unmapped.map((h, i) => `--server ${i === 0 && !defaultTaken ? 'default' : `db${i + 1}`}=${h}`).join(' '),
    );
  }
  return (vdbhost) => mappings.get(vdbhost.toLowerCase()) ?? 'default';
}
