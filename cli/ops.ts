// The operations subcommands, for cli/main.ts to dispatch to before its own argument handling
// (each command parses its own arguments: `vmoodle each -- cmd --json` must pass --json to cmd).
// Each runner returns the exit status and never throws.
import { snapshotCommand } from './snapshot';
import { restoreCommand } from './restore';
import { importLegacyCommand } from './import-legacy';
import { eachCommand } from './each';
import { cronCommand } from './cron';

export type OpsCommand = (argv: string[]) => Promise<number>;

export const OPS_COMMANDS: Readonly<Record<string, OpsCommand>> = {
  snapshot: snapshotCommand,
  restore: restoreCommand,
  'import-legacy': importLegacyCommand,
  each: eachCommand,
  cron: cronCommand,
};

/** The command of that name, if it is one of these (own properties only: "constructor" is not a command). */
export function opsCommand(name: string | undefined): OpsCommand | undefined {
  return name !== undefined && Object.prototype.hasOwnProperty.call(OPS_COMMANDS, name) ? OPS_COMMANDS[name] : undefined;
}

export const OPS_USAGE = `  snapshot HOST --out DIR                 consistent copy of a tenant: database dump, data folder, manifest
  restore DIR --host HOST                 put a snapshot into a registered tenant (same site or a clone)
  import-legacy --master DSN --out DIR    Terraform configuration + imports for a VMoodle fleet
  each [options] -- COMMAND...            run a command once per enabled tenant, VMOODLE_HOST set
  cron [options] --moodle DIR             Moodle's admin/cli/cron.php for every enabled tenant
`;
