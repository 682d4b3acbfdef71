// The `vmoodle` command: operator jobs that are actions rather than declarations.
import { installProvider, cliConfigFor } from './provider-install';
import { quickstart } from './quickstart';
import { configPhpCommand } from './config-php';
import { opsCommand, OPS_USAGE } from './ops';

const USAGE = `usage: vmoodle <command> [options]

commands:
  provider install [--dir DIR] [--json]   install the Terraform provider launcher (default: ~/.terraform.d/plugins)
  quickstart [up|down]                    run (or remove) the embedded demo in .vmoodle/: MariaDB, terraform, sidecar
  config-php HOST [--registry DSN]        print a standalone config.php for one tenant (devirtualisation)
${OPS_USAGE}  help                                    this text

Run "vmoodle <command> --help" for a command's options.
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

async function main(argv: string[]): Promise<number> {
  // These parse their own arguments (and `each -- cmd --json` must keep --json for cmd).
  const ops = opsCommand(argv[0]);
  if (ops) return ops(argv.slice(1));
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
  if (command === 'config-php') return configPhpCommand(args.slice(1));
  if (command === 'quickstart') {
    await quickstart(sub ?? 'up');
    return 0;
  }
  throw new UsageError(`unknown command "${args.join(' ')}"`);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`vmoodle: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`vmoodle: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
});
