// Provider logs: hclog-style JSON lines on stderr, which go-plugin re-logs under Terraform's TF_LOG.
// go-plugin only parses a line as JSON when @timestamp has exactly six fractional digits, so the
// timestamp is formatted by hand. Known secrets are scrubbed from every line as a last line of
// defence: code should never pass them, but an error message from a driver might.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 };

function thresholdFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = (env.TF_LOG_PROVIDER || env.TF_LOG || '').toLowerCase();
  if (raw === '' || raw === 'off') return LEVELS.warn;
  if (raw === 'json') return LEVELS.trace;
  return LEVELS[raw as LogLevel] ?? LEVELS.info;
}

function timestamp(d: Date): string {
  const iso = d.toISOString(); // 2025-01-01T00:00:00.000Z
  return iso.slice(0, 23) + '000Z';
}

// After Terraform is killed -9 nobody reads our stderr any more: the next log line fails with EPIPE,
// and an unhandled stream error ends the process, in the middle of the calls serve.ts lets an
// orphaned provider finish (a destroy stopped half-way). Losing those log lines is fine; dying is not.
process.stderr.on('error', () => undefined);

const secrets = new Set<string>();

/** Registers a value that must never appear in a log line (e.g. a database password). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function scrub(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

export class Logger {
  private readonly threshold: number;
  constructor(
    private readonly name: string,
    env: NodeJS.ProcessEnv = process.env,
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
  ) {
    this.threshold = thresholdFromEnv(env);
  }

  enabled(level: LogLevel): boolean {
    return LEVELS[level] >= this.threshold;
  }

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (!this.enabled(level)) return;
    const entry = { '@level': level, '@message': message, '@module': this.name, '@timestamp': timestamp(new Date()), ...fields };
    this.write(scrub(JSON.stringify(entry)) + '\n');
  }

  trace(message: string, fields?: Record<string, unknown>): void {
    this.log('trace', message, fields);
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.log('error', message, fields);
  }
}

export const log = new Logger('vmoodle');
