// `vmoodle config-php HOST`: prints (or writes) the standalone config.php of one tenant, read from
// the registry, so an operator can move the site out of the fleet. Same text as data
// "vmoodle_config_php" (lib/config-php.ts).
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseTenantAddress, tenantKey } from '../lib/host';
import { renderConfigPhp } from '../lib/config-php';
import { loadTenantRecord } from '../lib/config-php-source';
import { parseDsn } from '../provider/mysql/dsn';
import { openConnection } from '../provider/mysql/pools';

export const CONFIG_PHP_USAGE = `usage: vmoodle config-php HOST [--registry DSN] [--output FILE]

Renders a standalone Moodle config.php for the tenant served at HOST (or HOST/subpath).
  --registry DSN   registry database, e.g. mysql://user:pass@db:3306/vmoodle_registry
                   (default: environment variable VMOODLE_REGISTRY; a read-only user is enough)
  --output FILE    write the file (mode 0600: it holds the database password) instead of stdout
`;

export class ConfigPhpUsageError extends Error {
  override name = 'ConfigPhpUsageError';
}

function parse(argv: string[]): { host: string; registry: string; output: string | undefined } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { registry: { type: 'string' }, output: { type: 'string' }, help: { type: 'boolean' } } });
  } catch (err) {
    throw new ConfigPhpUsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values.help) return 'help';
  if (parsed.positionals.length !== 1) throw new ConfigPhpUsageError('give exactly one HOST');
  const registry = parsed.values.registry ?? process.env.VMOODLE_REGISTRY;
  if (!registry) throw new ConfigPhpUsageError('set --registry DSN or the environment variable VMOODLE_REGISTRY');
  return { host: parsed.positionals[0]!, registry, output: parsed.values.output };
}

/** Runs the command; returns the exit status (0 done, 1 failure, 2 usage). */
export async function configPhpCommand(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let opts;
  try {
    opts = parse(argv);
  } catch (e) {
    if (!(e instanceof ConfigPhpUsageError)) throw e;
    err.write(`vmoodle config-php: ${e.message}\n\n${CONFIG_PHP_USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    out.write(CONFIG_PHP_USAGE);
    return 0;
  }
  const address = parseTenantAddress(opts.host.trim().toLowerCase());
  if (!address.ok) {
    err.write(`vmoodle config-php: "${opts.host}" is not a host: ${address.reason}\n`);
    return 2;
  }
  const settings = parseDsn(opts.registry, '--registry');
  if (!settings.database) {
    err.write('vmoodle config-php: the registry DSN must name its database, e.g. mysql://user:pass@db:3306/vmoodle_registry\n');
    return 2;
  }
  const conn = await openConnection(settings);
  let record;
  try {
    record = await loadTenantRecord(conn, { host: tenantKey(address.host, address.subpath) });
  } finally {
    await conn.end().catch(() => undefined);
  }
  if (!record) {
    err.write(`vmoodle config-php: no active tenant has host ${tenantKey(address.host, address.subpath)}\n`);
    return 1;
  }
  const text = renderConfigPhp(record);
  if (opts.output === undefined) out.write(text);
  else {
    // An existing file keeps its mode on write: tighten it first, so the password never sits in a looser file.
    if (existsSync(opts.output)) chmodSync(opts.output, 0o600);
    writeFileSync(opts.output, text, { mode: 0o600 });
    err.write(`wrote ${opts.output} (${record.key})\n`);
  }
  return 0;
}
