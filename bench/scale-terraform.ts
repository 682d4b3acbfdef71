// The real terraform CLI on many tenants (a private MariaDB, the provider from the filesystem mirror),
// each command timed next to the same command on the same number of Terraform's built-in
// `terraform_data` resources: that floor is Terraform's own cost (graph, state, plan rendering), so
// the ratio is what the provider adds.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startFleet, type Fleet } from '../test/helpers/fleet';
import { createWorkspace, PROVIDER_BLOCK, type Workspace } from '../test/helpers/terraform';
import { log, median, hrMs } from './common';
import type { Report } from './report';

export interface TerraformBenchOptions {
  quick: boolean;
}

const tenantConfig = (prefix: string, count: number): string =>
  PROVIDER_BLOCK +
  `
resource "vmoodle_tenant" "site" {
  count               = ${count}
  host                = "${prefix}\${count.index}.bench.example.org"
  name                = "Site ${prefix}\${count.index}"
  shortname           = "${prefix}\${count.index}"
  database            = { name = "bench_${prefix}\${count.index}" }
  deletion_protection = false
}
`;

const dataConfig = (prefix: string, count: number): string => `
resource "terraform_data" "site" {
  count = ${count}
  input = {
    host      = "${prefix}\${count.index}.bench.example.org"
    name      = "Site ${prefix}\${count.index}"
    shortname = "${prefix}\${count.index}"
    database  = { name = "bench_${prefix}\${count.index}" }
  }
}
`;

/**
 * Runs terraform with output streamed, printing progress (resources done) every few seconds.
 * Returns wall time in ms; throws with the tail of the output when the exit code is not expected.
 */
async function timed(ws: Workspace, args: string[], what: string, expectCodes: number[] = [0], progress = false): Promise<number> {
  const t0 = hrMs();
  // validate takes no -input flag; every other command here must never prompt.
  const child = ws.start([...args, '-no-color', ...(args[0] === 'validate' ? [] : ['-input=false'])]);
  let out = '';
  let done = 0;
  child.stdout!.on('data', (d: Buffer) => {
    const s = d.toString();
    out += s;
    done += (s.match(/: (Creation|Destruction) complete/g) ?? []).length;
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const ticker = progress ? setInterval(() => log(`    … ${what}: ${done} done, ${((hrMs() - t0) / 1000).toFixed(0)} s`), 10_000) : undefined;
  // Bounded: a stuck command is killed (30 min covers 1,000 creates on a loaded machine).
  const killer = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(killer);
  if (ticker) clearInterval(ticker);
  const ms = hrMs() - t0;
  if (code === null || !expectCodes.includes(code)) {
    throw new Error(`terraform ${args.join(' ')} (${what}) exited ${code}\n${out.slice(-4000)}`);
  }
  return ms;
}

/** Alternates a and b `runs` times (so both see the same load) and returns both sample lists. */
async function alternate(runs: number, a: () => Promise<number>, b: () => Promise<number>): Promise<[number[], number[]]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    bs.push(await b());
    as.push(await a());
  }
  return [as, bs];
}

function providerEnv(fleet: Fleet): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(fleet.ws.env).filter(([k]) => k.startsWith('VMOODLE_')));
}

export async function runTerraformBench(report: Report, opts: TerraformBenchOptions): Promise<void> {
  const n = opts.quick ? { plan: 100, apply: 40, validateRuns: 3, planRuns: 3 } : { plan: 1000, apply: 200, validateRuns: 5, planRuns: 3 };
  const workspaces: Workspace[] = [];
  const ws = (env: NodeJS.ProcessEnv): Workspace => {
    const w = createWorkspace(env);
    workspaces.push(w);
    return w;
  };
  let fleet: Fleet | undefined;
  try {
    log('terraform: starting a private MariaDB …');
    fleet = await startFleet();
    const env = providerEnv(fleet);

    // validate: one tenant vs one terraform_data. Terraform starts the provider twice for validate.
    {
      const t = ws(env);
      const d = ws({});
      t.write({ 'main.tf': tenantConfig('v', 1) });
      d.write({ 'main.tf': dataConfig('v', 1) });
      await t.ok(['init', '-input=false']);
      await d.ok(['init', '-input=false']);
      log(`terraform validate: ${n.validateRuns} alternating runs …`);
      const [tv, dv] = await alternate(n.validateRuns, () => timed(t, ['validate'], 'validate tenant'), () => timed(d, ['validate'], 'validate terraform_data'));
      report.add('scale', {
        id: 'validate-1',
        label: 'terraform validate, 1 tenant',
        unit: 'ms',
        value: median(tv)!,
        floor: { label: '1 terraform_data', value: median(dv)! },
        stat: `median of ${n.validateRuns}`,
        samples: tv,
        floorSamples: dv,
      });
    }

    // plan with no changes on N existing tenants vs N existing terraform_data.
    {
      const t = fleet.ws;
      const d = ws({});
      t.write({ 'main.tf': tenantConfig('p', n.plan) });
      d.write({ 'main.tf': dataConfig('p', n.plan) });
      await t.ok(['init', '-input=false']);
      await d.ok(['init', '-input=false']);
      log(`terraform apply: creating ${n.plan} tenants for the plan bench (-parallelism=30, empty databases; takes a while) …`);
      const createMs = await timed(t, ['apply', '-auto-approve', '-parallelism=30'], `create ${n.plan} tenants`, [0], true);
      log(`    created ${n.plan} tenants in ${(createMs / 1000).toFixed(1)} s`);
      await timed(d, ['apply', '-auto-approve', '-parallelism=30'], `create ${n.plan} terraform_data`);
      log(`terraform plan (no changes): ${n.planRuns} alternating runs on ${n.plan} of each …`);
      // -detailed-exitcode: 0 = no changes; anything else means the bench is not measuring a no-op plan.
      const [tp, dp] = await alternate(
        n.planRuns,
        () => timed(t, ['plan', '-detailed-exitcode'], `plan ${n.plan} tenants`),
        () => timed(d, ['plan', '-detailed-exitcode'], `plan ${n.plan} terraform_data`),
      );
      report.add('scale', {
        id: `plan-noop-${n.plan}`,
        label: `terraform plan, no changes, ${n.plan} tenants`,
        unit: 'ms',
        value: median(tp)!,
        floor: { label: `${n.plan} terraform_data`, value: median(dp)! },
        target: { on: 'ratio', bound: 'max', limit: 3 },
        stat: `median of ${n.planRuns}`,
        samples: tp,
        floorSamples: dp,
      });
    }

    // apply creating N tenants, then destroy, at -parallelism 10 and 30.
    for (const parallelism of [10, 30]) {
      const prefix = `a${parallelism}x`;
      const t = ws(env);
      const d = ws({});
      t.write({ 'main.tf': tenantConfig(prefix, n.apply) });
      d.write({ 'main.tf': dataConfig(prefix, n.apply) });
      await t.ok(['init', '-input=false']);
      await d.ok(['init', '-input=false']);
      log(`terraform apply + destroy, ${n.apply} tenants, -parallelism=${parallelism} …`);
      const flag = `-parallelism=${parallelism}`;
      const dCreate = await timed(d, ['apply', '-auto-approve', flag], `create ${n.apply} terraform_data`);
      const tCreate = await timed(t, ['apply', '-auto-approve', flag], `create ${n.apply} tenants`, [0], true);
      const dDestroy = await timed(d, ['destroy', '-auto-approve', flag], `destroy ${n.apply} terraform_data`);
      const tDestroy = await timed(t, ['destroy', '-auto-approve', flag], `destroy ${n.apply} tenants`, [0], true);
      report.add('scale', {
        id: `apply-create-${n.apply}-p${parallelism}`,
        label: `terraform apply, create ${n.apply} tenants, -parallelism=${parallelism}`,
        unit: 'ms',
        value: tCreate,
        floor: { label: `${n.apply} terraform_data`, value: dCreate },
        stat: 'one run',
        note: `${((n.apply * 1000) / tCreate).toFixed(1)} tenants/s`,
      });
      report.add('scale', {
        id: `apply-destroy-${n.apply}-p${parallelism}`,
        label: `terraform destroy, ${n.apply} tenants, -parallelism=${parallelism}`,
        unit: 'ms',
        value: tDestroy,
        floor: { label: `${n.apply} terraform_data`, value: dDestroy },
        stat: 'one run',
        note: `${((n.apply * 1000) / tDestroy).toFixed(1)} tenants/s`,
      });
    }
  } finally {
    const datarootBase = fleet?.datarootBase;
    await fleet?.stop().catch(() => undefined);
    if (fleet) workspaces.push(fleet.ws);
    for (const w of workspaces) rmSync(dirname(w.dir), { recursive: true, force: true });
    if (datarootBase) rmSync(dirname(datarootBase), { recursive: true, force: true });
  }
}
