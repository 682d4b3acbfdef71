// npm run bench → node dist/bench/run.js [--suite sidecar,scale] [--quick] [--strict] [--tenants N] [--out FILE]
//   --suite    which suites to run, comma-separated (default: all). Parts of the scale suite can be
//              picked alone: startup, terraform, sidecar-scale ("scale" = all three).
//   --quick    smaller counts, for a smoke run (minutes instead of the better part of an hour)
//   --tenants  tenants for the sidecar suite (default 10,000)
//   --out      JSON results (default bench/results/latest.json)
//   --strict   exit 1 when a target is not met
// Every figure is printed next to its floor measured in the same run, and all of them go to the JSON
// file, so runs on a noisy shared machine can still be compared (by ratio).
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { runSidecarBench } from './sidecar';
import { runStartupBench } from './scale-startup';
import { runTerraformBench } from './scale-terraform';
import { runSidecarScaleBench } from './scale-sidecar';
import { Report } from './report';
import { log } from './common';

const SUITES = ['sidecar', 'startup', 'terraform', 'sidecar-scale'] as const;
type Suite = (typeof SUITES)[number];
const ALIASES: Record<string, Suite[]> = { all: [...SUITES], scale: ['startup', 'terraform', 'sidecar-scale'] };

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const v = args[at + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}

function parseSuites(text: string | undefined): Suite[] {
  const out = new Set<Suite>();
  for (const name of (text ?? 'all').split(',').map((s) => s.trim()).filter(Boolean)) {
    const expanded = ALIASES[name] ?? ((SUITES as readonly string[]).includes(name) ? [name as Suite] : undefined);
    if (!expanded) throw new Error(`unknown suite "${name}"; known: ${[...Object.keys(ALIASES), ...SUITES].join(', ')}`);
    for (const s of expanded) out.add(s);
  }
  return SUITES.filter((s) => out.has(s));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const tenants = Number(option(args, '--tenants') ?? 10_000);
  if (!Number.isInteger(tenants) || tenants < 1 || tenants > 100_000) throw new Error('--tenants must be 1..100000');
  const quick = args.includes('--quick');
  const suites = parseSuites(option(args, '--suite'));
  const out = resolve(option(args, '--out') ?? join(__dirname, '..', '..', 'bench', 'results', 'latest.json'));
  const report = new Report();
  log(`bench: suites ${suites.join(', ')}${quick ? ' (quick)' : ''}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on a shared machine: compare ratios, not absolute times`);

  for (const suite of suites) {
    const t0 = Date.now();
    log(`\n== ${suite} ==`);
    if (suite === 'sidecar') await runSidecarBench(report, { tenants, quick });
    if (suite === 'startup') await runStartupBench(report, { quick });
    if (suite === 'terraform') await runTerraformBench(report, { quick });
    if (suite === 'sidecar-scale') await runSidecarScaleBench(report, { quick });
    log(`== ${suite} done in ${((Date.now() - t0) / 1000).toFixed(0)} s ==`);
    // Written after every suite, so a long run that fails later still leaves its figures.
    report.write(out, { suites, quick, tenants });
  }

  log('\nSummary: every figure next to its floor, measured in the same run');
  for (const suite of new Set(report.figures.map((f) => f.suite))) {
    log(`\n[${suite}]`);
    log(report.table(suite));
  }
  const notes = report.figures.filter((f) => f.note).map((f) => `  ${f.id}: ${f.note}`);
  if (notes.length) log(`\nnotes:\n${notes.join('\n')}`);
  log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}; results written to ${out}`);
  log(report.targetsMet ? 'all targets met' : `targets not met: ${report.figures.filter((f) => f.met === false).map((f) => f.id).join(', ')}`);
  if (args.includes('--strict') && !report.targetsMet) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
