// What `vmoodle each` shows: a live status line on a terminal (redrawn in place: counts, the sites
// running and for how long), one plain line per finished site otherwise, and the summary table.
import type { ProgressSink } from '../progress';
import { formatDuration } from '../progress';
import type { SiteResult } from './runner';
import type { SiteTarget } from './targets';

const REDRAW_MS = 200;

export class LiveStatus {
  private readonly running = new Map<string, number>();
  private done = 0;
  private ok = 0;
  private failed = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly tty: boolean;

  constructor(
    private readonly out: ProgressSink,
    private readonly total: number,
  ) {
    this.tty = out.isTTY === true;
    if (this.tty) {
      this.timer = setInterval(() => this.draw(), REDRAW_MS);
      this.timer.unref();
    }
  }

  started(t: SiteTarget): void {
    this.running.set(t.key, Date.now());
  }

  finished(r: SiteResult): void {
    this.running.delete(r.host);
    this.done++;
    if (r.status === 'ok') this.ok++;
    else if (r.status !== 'cancelled') this.failed++;
    if (this.tty) {
      if (r.status !== 'ok') this.print(`${r.status.toUpperCase().padEnd(9)} ${r.host} (${describe(r)})`);
      this.draw();
    } else {
      this.print(`[${this.done}/${this.total}] ${r.status.padEnd(9)} ${r.host} ${formatDuration(r.durationMs)}${r.status === 'ok' ? '' : ` (${describe(r)})`}`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.out.write('\r\x1b[K');
  }

  private print(line: string): void {
    this.out.write(`${this.tty ? '\r\x1b[K' : ''}${line}\n`);
  }

  private draw(): void {
    const now = Date.now();
    const names = [...this.running.entries()].map(([host, since]) => `${host} ${Math.floor((now - since) / 1000)}s`);
    const line = `[${this.done}/${this.total}] ${this.ok} ok, ${this.failed} failed, ${this.running.size} running${names.length ? ': ' + names.join(', ') : ''}`;
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    this.out.write(`\r\x1b[K${line.length > width ? line.slice(0, width - 1) + '…' : line}`);
  }
}

export function describe(r: SiteResult): string {
  switch (r.status) {
    case 'ok':
      return 'exit 0';
    case 'timeout':
      return 'stopped after the time limit';
    case 'error':
      return `could not start: ${r.error ?? 'unknown error'}`;
    case 'cancelled':
      return 'cancelled';
    default:
      return r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
  }
}

/** The summary table: one row per site, columns padded to their widest cell. */
export function summaryTable(results: readonly SiteResult[]): string {
  const rows = [
    ['SITE', 'STATUS', 'EXIT', 'DURATION', 'LOG'],
    ...results.map((r) => [
      r.host,
      r.status === 'ok' ? 'ok' : r.status.toUpperCase(),
      r.exitCode === null ? (r.signal ?? '-') : String(r.exitCode),
      formatDuration(r.durationMs),
      r.status === 'ok' ? '' : (r.log ?? ''),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}

export interface Totals {
  sites: number;
  ok: number;
  failed: number;
  timeout: number;
  error: number;
  cancelled: number;
}

export function totals(results: readonly SiteResult[]): Totals {
  const t: Totals = { sites: results.length, ok: 0, failed: 0, timeout: 0, error: 0, cancelled: 0 };
  for (const r of results) t[r.status]++;
  return t;
}
