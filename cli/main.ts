// The `vmoodle` command: operator jobs that are actions rather than declarations.
import { installProvider, cliConfigFor } from './provider-install';

const USAGE = `usage: vmoodle <command> [options]

commands:
  provider install [--dir DIR] [--json]   install the Terraform provider launcher (default: ~/.terraform.d/plugins)
  help                                    this text
`;

class UsageError extends Error {
  override name = 'UsageError';
}

function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value, e.g. ${name} /path`);
  args.splice(i, 2);
  return value;
}

function main(argv: string[]): number {
  const args = [...argv];
  const json = args.includes('--json');
  if (json) args.splice(args.indexOf('--json'), 1);
  const [command, sub] = args;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === 'provider' && sub === 'install') {
    const rest = args.slice(2);
    if (rest.includes('--help')) {
      process.stdout.write('usage: vmoodle provider install [--dir DIR] [--json]\n');
      return 0;
    }
    const dir = takeOption(rest, '--dir');
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const result = installProvider({ dir });
    if (json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      process.stdout.write(`installed vmoodle/vmoodle ${result.version} at ${result.executable}\n`);
      if (dir) process.stdout.write(`\nPoint Terraform at it with a CLI configuration (TF_CLI_CONFIG_FILE) such as:\n\n${cliConfigFor(result.mirror)}`);
    }
    return 0;
  }
  throw new UsageError(`unknown command "${args.join(' ')}"`);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`vmoodle: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`vmoodle: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
