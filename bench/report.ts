// Every bench figure is printed next to the floor it was measured against in the same run (the
// machine is shared and noisy: ratios to a same-run floor compare across runs, absolute times do
// not), with its target, whether it is met and by how much it misses. The same records go to a
// JSON file so runs can be diffed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus, loadavg } from 'node:os';

export type Unit = 'ms' | 's' | 'MB' | 'µs' | 'req/s' | '×';

export interface Floor {
  /** What the floor is, e.g. "bare node -e start". */
  label: string;
  value: number;
}

/**
 * A target either bounds the figure itself (`value`) or its ratio to the floor (`ratio`);
 * `max` = lower is better, `min` = higher is better.
 */
export interface Target {
  on: 'value' | 'ratio';
  bound: 'max' | 'min';
  limit: number;
}

export interface Figure {
  suite: string;
  id: string;
  label: string;
  unit: Unit;
  value: number;
  floor?: Floor;
  /** value / floor.value */
  ratio?: number;
  target?: Target;
  met?: boolean;
  /** How far from the target, in words ("+0.4× over", "-12 MB under"…); only when not met. */
  gap?: string;
  /** How the value was taken: "median of 7", "best of 3"… */
  stat?: string;
  samples?: number[];
  floorSamples?: number[];
  note?: string;
}

export interface FigureInput extends Omit<Figure, 'ratio' | 'met' | 'gap' | 'suite'> {}

function fmt(v: number, unit: Unit): string {
  if (unit === '×') return `${v.toFixed(2)}×`;
  if (unit === 'µs') return v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${v.toFixed(v >= 10 ? 0 : 1)} µs`;
  if (unit === 'ms') return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`;
  if (unit === 's') return `${v.toFixed(2)} s`;
  if (unit === 'MB') return `${v.toFixed(0)} MB`;
  return `${v.toFixed(0)} ${unit}`;
}

function targetText(t: Target, unit: Unit): string {
  const op = t.bound === 'max' ? '≤' : '≥';
  return t.on === 'ratio' ? `${op} ${t.limit}× floor` : `${op} ${fmt(t.limit, unit)}`;
}

export class Report {
  readonly figures: Figure[] = [];
  readonly startedAt = new Date();
  readonly notes: string[] = [];

  add(suite: string, f: FigureInput): Figure {
    const fig: Figure = { suite, ...f };
    if (f.floor && f.floor.value > 0) fig.ratio = f.value / f.floor.value;
    if (f.target) {
      const subject = f.target.on === 'ratio' ? fig.ratio : f.value;
      if (subject !== undefined) {
        fig.met = f.target.bound === 'max' ? subject <= f.target.limit : subject >= f.target.limit;
        if (!fig.met) {
          const diff = subject - f.target.limit;
          fig.gap = f.target.on === 'ratio' ? `${diff > 0 ? '+' : ''}${diff.toFixed(2)}×` : `${diff > 0 ? '+' : '-'}${fmt(Math.abs(diff), f.unit)}`;
        }
      }
    }
    this.figures.push(fig);
    return fig;
  }

  get targetsMet(): boolean {
    return this.figures.every((f) => f.met !== false);
  }

  /** The table for one suite (or all). */
  table(suite?: string): string {
    const rows = this.figures.filter((f) => suite === undefined || f.suite === suite);
    const head = ['figure', 'value', 'floor', 'floor value', 'ratio', 'target', 'status'];
    const body = rows.map((f) => [
      f.label + (f.stat ? ` (${f.stat})` : ''),
      fmt(f.value, f.unit),
      f.floor?.label ?? '—',
      f.floor ? fmt(f.floor.value, f.unit) : '—',
      f.ratio !== undefined ? `${f.ratio.toFixed(2)}×` : '—',
      f.target ? targetText(f.target, f.unit) : '—',
      f.met === undefined ? '' : f.met ? 'MET' : `NOT MET (${f.gap})`,
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
    const line = (r: string[]): string => r.map((c, i) => (i === 1 || i === 3 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
    return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  }

  write(path: string, options: Record<string, unknown>): void {
    mkdirSync(dirname(path), { recursive: true });
    const doc = {
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgAtEnd: loadavg() },
      options,
      targetsMet: this.targetsMet,
      notes: this.notes,
      figures: this.figures,
    };
    writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
  }
}
