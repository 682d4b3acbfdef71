// `vmoodle each [options] -- COMMAND...`: runs COMMAND once for every enabled tenant (VMoodle's
// bulk* drivers and vcron, without their sequential loop), with VMOODLE_HOST set so Moodle's
// config.php (through sidecar/php/vmoodle.php) becomes that site. Exit status 1 when any site
// failed, so cron and CI notice.
import { accessSync, constants as fsc, mkdirSync, mkdtempSync, openSync, readSync, closeSync, fstatSync, readdirSync, rmdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UsageError, intOption, parseCommand, runCommand, secondsOption, processIo, type Io, type ParsedValues, type WithCommon } from './args';
import { registrySettings, REGISTRY_HELP } from './config';
import { EachRun, childEnvironment, type SiteResult } from './each/runner';
import { LiveStatus, describe, summaryTable, totals } from './each/report';
import { parseSidecarAddress, selectTargets, targetsFromRegistry, targetsFromSidecar, type SiteTarget } from './each/targets';

export const EACH_OPTIONS_HELP = `  --concurrency N        sites at a time (default: the number of CPUs)
  --only PATTERN         only sites whose host matches the glob (e.g. "*.example.edu"); repeatable
  --timeout S            stop a site's command after S seconds (SIGTERM, then SIGKILL) and count it failed
  --sidecar unix:PATH    list the tenants served by the local sidecar instead of the registry
                         (its token, if any, from $VMOODLE_SIDECAR_TOKEN)
  ${REGISTRY_HELP}
  --logs DIR             where to keep the output of failed sites (default: a new folder in $TMPDIR)
  --keep-logs            keep the output of every site, not only failed ones
  --json                 print the results as JSON on stdout
  -h, --help             this text`;

export const EACH_USAGE = `usage: vmoodle each [options] -- COMMAND [ARGS...]

Runs COMMAND once for every enabled tenant, with VMOODLE_HOST (host or host/subpath),
VMOODLE_TENANT_ID and VMOODLE_WWWROOT set; Moodle's CLI scripts pick the site from VMOODLE_HOST
through sidecar/php/vmoodle.php. Shows a live progress line, then a table (status and duration per
site); output of failed sites is kept in a log folder. Exit status: 0 when every site succeeded,
1 when any failed or timed out, 2 for a usage error.

${EACH_OPTIONS_HELP}

examples:
  vmoodle each -- php /var/www/moodle/admin/cli/purge_caches.php
  vmoodle each --concurrency 2 --timeout 3600 -- php /var/www/moodle/admin/cli/upgrade.php --non-interactive
`;

export const EACH_OPTIONS = {
  concurrency: { type: 'string' },
  only: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  sidecar: { type: 'string' },
  registry: { type: 'string' },
  logs: { type: 'string' },
  'keep-logs': { type: 'boolean' },
} as const;

type EachValues = ParsedValues<WithCommon<typeof EACH_OPTIONS>>;

/** Splits at the first "--": our options before it, the command (untouched) after it. */
export function splitCommand(argv: readonly string[]): { options: string[]; command: string[] | null } {
  const i = argv.indexOf('--');
  return i < 0 ? { options: [...argv], command: null } : { options: argv.slice(0, i), command: argv.slice(i + 1) };
}

/** Fails early (usage error) when the command cannot be found, instead of once per site. */
export function checkExecutable(cmd: string, env: NodeJS.ProcessEnv, cwd: string): void {
  const candidates = cmd.includes('/') ? [isAbsolute(cmd) ? cmd : resolve(cwd, cmd)] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, cmd));
  for (const c of candidates) {
    try {
      accessSync(c, fsc.X_OK);
      return;
    } catch {
      /* next */
    }
  }
  throw new UsageError('COMMAND', `"${cmd}" was not found${cmd.includes('/') ? '' : ' on PATH'} or is not executable`);
}

/** Last lines of a log (reads at most its last 4 KiB). */
function tail(path: string, lines: number): string[] {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, 4096);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').split('\n').filter((l) => l.trim() !== '').slice(-lines);
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
}

async function loadTargets(values: EachValues, io: Io): Promise<SiteTarget[]> {
  if (values.sidecar !== undefined) {
    if (values.registry !== undefined) throw new UsageError('--sidecar', 'use either --sidecar or --registry, not both');
    return targetsFromSidecar(parseSidecarAddress(values.sidecar), io.env.VMOODLE_SIDECAR_TOKEN || undefined);
  }
  return targetsFromRegistry(registrySettings(values.registry, io.env));
}

function patternsOf(values: EachValues): string[] {
  const out = (values.only ?? []).flatMap((p) => p.split(',')).map((p) => p.trim());
  if (out.some((p) => p === '')) throw new UsageError('--only', 'needs a host pattern such as "*.example.edu"');
  return out;
}

export interface EachInvocation {
  values: EachValues;
  command: readonly string[];
  cwd: string;
  /** Name used in messages ("each", "cron"). */
  name: string;
}

/** Shared by `each` and `cron`: list, run, report. Returns the exit status. */
export async function executeEach(inv: EachInvocation, io: Io): Promise<number> {
  const { values } = inv;
  const concurrency = intOption(values.concurrency, '--concurrency', 1, 256) ?? availableParallelism();
  const timeout = secondsOption(values.timeout, '--timeout');
  const patterns = patternsOf(values);
  checkExecutable(inv.command[0]!, io.env, inv.cwd);

  const all = await loadTargets(values, io);
  const targets = selectTargets(all, patterns);
  if (targets.length === 0) {
    if (patterns.length > 0) throw new UsageError('--only', `no enabled tenant matches ${patterns.map((p) => `"${p}"`).join(', ')} (${all.filter((t) => t.enabled).length} enabled in all)`);
    io.stderr.write(`vmoodle ${inv.name}: no enabled tenants; nothing to do\n`);
    if (values.json) io.stdout.write(JSON.stringify({ command: inv.command, totals: totals([]), results: [], logs: null }, null, 2) + '\n');
    return 0;
  }

  let logDir: string;
  if (values.logs !== undefined) {
    logDir = resolve(values.logs);
    try {
      mkdirSync(logDir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new UsageError('--logs', `cannot create ${logDir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else logDir = mkdtempSync(join(tmpdir(), `vmoodle-${inv.name}-`));

  const live = new LiveStatus(io.stderr, targets.length);
  const run = new EachRun(
    { command: inv.command, cwd: inv.cwd, concurrency, timeoutMs: timeout === undefined ? undefined : timeout * 1000, logDir, keepLogs: values['keep-logs'] === true, env: childEnvironment(io.env) },
    live,
  );
  // Ctrl-C / SIGTERM: stop the running commands' process groups, report what happened, exit 130.
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    run.cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let results: SiteResult[];
  try {
    results = await run.run(targets);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    live.stop();
  }

  const t = totals(results);
  const bad = results.filter((r) => r.status !== 'ok');
  let keptLogs: string | null = logDir;
  if (readdirSync(logDir).length === 0 && values.logs === undefined) {
    rmdirSync(logDir);
    keptLogs = null;
  }
  if (values.json) {
    io.stdout.write(JSON.stringify({ command: inv.command, totals: t, results, logs: keptLogs }, null, 2) + '\n');
  } else {
    io.stdout.write(summaryTable(results));
    io.stdout.write(
      `\n${t.sites} site${t.sites === 1 ? '' : 's'}: ${t.ok} ok, ${t.failed} failed, ${t.timeout} timed out` +
        `${t.error ? `, ${t.error} could not start` : ''}${t.cancelled ? `, ${t.cancelled} cancelled` : ''}` +
        `${bad.length && keptLogs ? `; output of failed sites in ${keptLogs}` : ''}\n`,
    );
    for (const r of bad) {
      const last = r.log ? tail(r.log, 5) : [];
      if (last.length === 0) continue;
      io.stdout.write(`\n--- ${r.host} (${describe(r)}), last lines of ${r.log}:\n${last.map((l) => `  ${l}`).join('\n')}\n`);
    }
  }
  if (interrupted) return 130;
  return bad.length > 0 ? 1 : 0;
}

const spec = { name: 'each', positionals: [], options: EACH_OPTIONS } as const;

export async function eachCommand(argv: string[], io: Io = processIo()): Promise<number> {
  return runCommand('each', async () => {
    const { options, command } = splitCommand(argv);
    const parsed = parseCommand(options, spec);
    if (parsed === 'help') {
      io.stdout.write(EACH_USAGE);
      return 0;
    }
    if (command === null || command.length === 0) {
      throw new UsageError('COMMAND', 'missing: put the command after "--", e.g. vmoodle each -- php admin/cli/purge_caches.php');
    }
    return executeEach({ values: parsed.values, command, cwd: process.cwd(), name: 'each' }, io);
  }, io);
}
