// npm run bench → node dist/bench/run.js [--quick] [--strict] [--tenants N]
// Runs the benches (for now: the sidecar's). --strict exits 1 when a target is not met.
import { runSidecarBench } from './sidecar';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const tenantsAt = args.indexOf('--tenants');
  const tenants = tenantsAt >= 0 ? Number(args[tenantsAt + 1]) : 10_000;
  if (!Number.isInteger(tenants) || tenants < 1 || tenants > 100_000) throw new Error('--tenants must be 1..100000');
  const result = await runSidecarBench({ tenants, quick: args.includes('--quick') });
  if (args.includes('--strict') && !result.targetsMet) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
