// A constellation of 30 schools declared in code: tenants from a VMoodle-style CSV nodelist, grouped
// into three MNET subnetworks (the nodelist's mnet column), with one plugin policy for all of them.
// `npm run synth` / `npm run plan` / `npm run deploy` run it through scripts/run.js; `cdktf synth`
// works too, for those who have the cdktf CLI, through cdktf.json's `app`.
//
// Environment:
//   MOODLE_TEMPLATE         SQL dump of a Moodle site every school is created from (required: MNET
//                           and plugin states live in Moodle's tables)
//   VMOODLE_REGISTRY, VMOODLE_SERVER_DEFAULT, VMOODLE_DATAROOT_BASE
//                           read by the provider itself at plan/apply time (see below)
//   CONSTELLATION_NODELIST  another nodelist to use instead of ./nodelist.csv
import { isAbsolute, join, resolve } from 'node:path';
import { App, TerraformStack, TerraformOutput, VmoodleProvider, Constellation, PluginPolicy, type Construct } from '@vmoodle/cdktf';

function template(): string {
  const file = process.env.MOODLE_TEMPLATE;
  if (!file) throw new Error('Set MOODLE_TEMPLATE to the SQL dump (plain or .gz) of a Moodle site: every school is created from it.');
  return isAbsolute(file) ? file : resolve(file);
}

class ConstellationStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // An empty provider block on purpose: the provider reads VMOODLE_REGISTRY, VMOODLE_SERVER_<NAME>
    // and VMOODLE_DATAROOT_BASE from the environment of `terraform plan/apply`, so the DSNs (which
    // carry passwords) are never written into the synthesised JSON.
    new VmoodleProvider(this, 'vmoodle', {});

    const schools = new Constellation(this, 'schools', {
      nodelist: process.env.CONSTELLATION_NODELIST ?? join(__dirname, '..', 'nodelist.csv'),
      defaults: {
        template: template(),
        config: { lang: 'en' },
      },
      // Declared, so a misspelt mnet value in the nodelist is an error naming its line.
      subnetworks: {
        north: {},
        south: {},
        east: { keyLifetimeDays: 56 },
      },
    });

    new PluginPolicy(this, 'baseline', {
      tenants: schools.tenants,
      plugins: {
        mod_workshop: { enabled: false },
        mod_bigbluebuttonbn: { enabled: false },
        block_html: { enabled: true },
      },
      settings: { forcelogin: '1' },
    });

    new TerraformOutput(this, 'wwwroots', {
      value: Object.fromEntries(schools.tenants.map((t) => [t.shortname, t.wwwroot])),
    });
  }
}

try {
  const app = new App();
  new ConstellationStack(app, 'constellation');
  app.synth();
} catch (err) {
  // Input problems (SpecError lists each with its nodelist line and column) read better without a stack.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
