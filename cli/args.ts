// Argument parsing shared by the operations subcommands (snapshot, restore, import-legacy, each,
// cron). node:util parseArgs does the tokenising; this module turns its errors and our own checks
// into UsageError (exit status 2) that always names the offending argument, and runs a command so
// that only its exit status escapes: main.ts needs no knowledge of the commands' errors.
import { parseArgs } from 'node:util';

/** A bad command line. `argument` is the option or positional at fault, e.g. "--concurrency". */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
  }
}

/** A failure the operator can act on (missing tenant, bad snapshot...), reported without a stack. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
export type OptionsSpec = Record<string, OptionSpec>;

export type ParsedValues<O extends OptionsSpec> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean'
    ? O[K]['multiple'] extends true
      ? boolean[]
      : boolean
    : O[K]['multiple'] extends true
      ? string[]
      : string;
};

export interface Parsed<O extends OptionsSpec> {
  values: ParsedValues<O>;
  positionals: string[];
}

export interface CommandSpec<O extends OptionsSpec> {
  /** e.g. "snapshot" */
  name: string;
  options: O;
  /** Names of the positionals, for error messages ("HOST", "DIR"); the count is enforced exactly. */
  positionals: readonly string[];
}

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const satisfies OptionsSpec;

export type WithCommon<O extends OptionsSpec> = O & typeof COMMON;

/**
 * Parses argv against the spec (plus --help and --json). Returns 'help' when --help is present
 * anywhere, so `vmoodle snapshot --help` works even with other arguments missing or wrong.
 */
export function parseCommand<O extends OptionsSpec>(argv: readonly string[], spec: CommandSpec<O>): Parsed<WithCommon<O>> | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const options = { ...spec.options, ...COMMON };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw translateParseError(err);
  }
  const { positionals } = parsed;
  if (positionals.length < spec.positionals.length) {
    const missing = spec.positionals[positionals.length]!;
    throw new UsageError(missing, `missing; usage: vmoodle ${spec.name} ${spec.positionals.join(' ')} [options]`);
  }
  if (positionals.length > spec.positionals.length) {
    const extra = positionals[spec.positionals.length]!;
    throw new UsageError(extra, `unexpected argument (vmoodle ${spec.name} takes ${spec.positionals.length ? spec.positionals.join(' ') + ' and ' : ''}options only)`);
  }
  return { values: parsed.values as ParsedValues<WithCommon<O>>, positionals };
}

/** parseArgs errors carry a code and a message quoting the option; keep the option as `argument`. */
function translateParseError(err: unknown): UsageError {
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'(-{1,2}[^'\s,]+)/.exec(message);
  const argument = quoted ? quoted[1]!.split('=')[0]! : 'arguments';
  const code = (err as { code?: unknown }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(argument, 'unknown option');
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing/.test(message) ? new UsageError(argument, 'needs a value') : new UsageError(argument, 'takes no value');
  }
  return new UsageError(argument, message);
}

/** An integer option within bounds; `undefined` when absent (caller applies the default). */
export function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}

/** A duration in seconds (decimals allowed), e.g. --timeout 90 or 1.5. */
export function secondsOption(value: string | undefined, name: string, max = 7 * 24 * 3600): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || Number(value) <= 0 || Number(value) > max) {
    throw new UsageError(name, `must be a number of seconds greater than 0 (got "${value}")`);
  }
  return Number(value);
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/**
 * Runs one subcommand and maps its outcome to an exit status: the command's own status, 2 for a
 * usage error (message names the argument, then a pointer to --help), 1 for anything else
 * (message only: errors from the database layer are already stripped of SQL and secrets).
 */
export async function runCommand(name: string, fn: () => Promise<number>, io: Io = processIo()): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`vmoodle ${name}: ${err.message}\nRun "vmoodle ${name} --help" for usage.\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`vmoodle ${name}: ${message}\n`);
    return 1;
  }
}
