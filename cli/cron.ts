// `vmoodle cron --moodle DIR`: Moodle's own `php admin/cli/cron.php` for every enabled tenant,
// through `vmoodle each` (VMoodle's vcron, minus its 16-sites-per-run round robin: every site
// runs on every invocation, N at a time). One crontab line per web node:
//   * * * * *  www-data  flock -n /run/vmoodle-cron.lock vmoodle cron --moodle /var/www/moodle
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError, parseCommand, runCommand, processIo, type Io } from './args';
import { EACH_OPTIONS, EACH_OPTIONS_HELP, executeEach, splitCommand } from './each';

export const CRON_USAGE = `usage: vmoodle cron [options] [--moodle DIR] [-- CRON_ARGS...]

Runs Moodle's scheduled and ad hoc tasks on every enabled tenant: php DIR/admin/cli/cron.php
with VMOODLE_HOST set, like vmoodle each. CRON_ARGS go to cron.php.

  --moodle DIR           Moodle code folder (default: $VMOODLE_MOODLE_DIR, else the current folder)
  --php BIN              PHP CLI binary (default: php)
  --keep-alive N         pass --keep-alive=N to cron.php (default 0: run the due tasks once and exit,
                         instead of each site's "Keep alive time" of minutes); "site" keeps the site's
                         setting (and works with Moodle versions whose cron.php has no --keep-alive)
${EACH_OPTIONS_HELP}
`;

const spec = {
  name: 'cron',
  positionals: [],
  options: { ...EACH_OPTIONS, moodle: { type: 'string' }, php: { type: 'string' }, 'keep-alive': { type: 'string' } },
} as const;

/** The Moodle folder, checked: it must hold admin/cli/cron.php. */
export function moodleDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const argument = flag !== undefined ? '--moodle' : env.VMOODLE_MOODLE_DIR ? 'VMOODLE_MOODLE_DIR' : '--moodle';
  const dir = resolve(flag ?? env.VMOODLE_MOODLE_DIR ?? process.cwd());
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(argument, `${dir} is not a folder`);
  if (!existsSync(join(dir, 'admin', 'cli', 'cron.php'))) {
    throw new UsageError(argument, `${dir} is not a Moodle code folder (no admin/cli/cron.php); pass --moodle /path/to/moodle`);
  }
  return dir;
}

export async function cronCommand(argv: string[], io: Io = processIo()): Promise<number> {
  return runCommand('cron', async () => {
    const { options, command: extra } = splitCommand(argv);
    const parsed = parseCommand(options, spec);
    if (parsed === 'help') {
      io.stdout.write(CRON_USAGE);
      return 0;
    }
    const { values } = parsed;
    const dir = moodleDir(values.moodle, io.env);
    const keepAlive = values['keep-alive'] ?? '0';
    if (keepAlive !== 'site' && !/^[0-9]+$/.test(keepAlive)) throw new UsageError('--keep-alive', `must be a number of seconds or "site" (got "${keepAlive}")`);
    const command = [values.php ?? 'php', join(dir, 'admin', 'cli', 'cron.php'), ...(keepAlive === 'site' ? [] : [`--keep-alive=${keepAlive}`]), ...(extra ?? [])];
    return executeEach({ values, command, cwd: dir, name: 'cron' }, io);
  }, io);
}
