// Prose for docs/index.md that the provider schema cannot carry: how Terraform finds a provider that
// is not on a registry, and which environment variables stand in for provider arguments.
// test/docs/docs.test.ts checks that every VMOODLE_* variable provider/provider.ts reads is listed here.
import { cliConfigFor, PROVIDER_HOST, PROVIDER_NAMESPACE } from '../../cli/provider-install';

export interface EnvironmentVariable {
  /** As the user writes it; `<NAME>` marks a variable part. */
  name: string;
  /** The provider argument it stands in for (checked against the schema by the generator). */
  argument: string;
  meaning: string;
}

export const PROVIDER_ENVIRONMENT: readonly EnvironmentVariable[] = [
  {
    name: 'VMOODLE_REGISTRY',
    argument: 'registry',
    meaning: 'DSN of the registry database. The `registry` argument wins when both are set.',
  },
  {
    name: 'VMOODLE_SERVER_<NAME>',
    argument: 'servers',
    meaning: 'Admin DSN of the database server `<name>` (lower-cased: `VMOODLE_SERVER_DEFAULT` is `default`). Merged with `servers`; an entry in `servers` wins over the variable of the same name.',
  },
  {
    name: 'VMOODLE_DATAROOT_BASE',
    argument: 'dataroot_base',
    meaning: 'Folder under which tenant data folders are created. The `dataroot_base` argument wins when both are set.',
  },
  {
    name: 'VMOODLE_STATEMENT_TIMEOUT_SECONDS',
    argument: 'statement_timeout_seconds',
    meaning: 'Longest a database statement may take, lock waits included (whole seconds). The `statement_timeout_seconds` argument wins when both are set.',
  },
  {
    name: 'VMOODLE_CONNECT_TIMEOUT_SECONDS',
    argument: 'connect_timeout_seconds',
    meaning: 'Longest connecting to a database server may take (whole seconds). The `connect_timeout_seconds` argument wins when both are set.',
  },
];

/** A placeholder folder: the page must not depend on where the docs were generated. */
const EXAMPLE_MIRROR = '/opt/terraform/providers';

export function installationSection(): string {
  return [
    '## Installation',
    '',
    'The provider runs from a vmoodle checkout; no registry is involved. Build it, then let `vmoodle provider install` put a launcher where Terraform looks for providers:',
    '',
    '```shell',
    'npm ci && npm run build',
    'bin/vmoodle provider install            # implicit local mirror: ~/.terraform.d/plugins',
    '```',
    '',
    '`terraform init` then installs `vmoodle/vmoodle` with no network access. For CI or shared machines, install into a filesystem mirror folder instead and point Terraform at it with a CLI configuration file (`TF_CLI_CONFIG_FILE`):',
    '',
    '```shell',
    `bin/vmoodle provider install --dir ${EXAMPLE_MIRROR}`,
    '```',
    '',
    '```terraform',
    cliConfigFor(EXAMPLE_MIRROR).trimEnd(),
    '```',
    '',
    `That configuration installs only from the mirror; to keep installing other providers from their registries, add \`direct { exclude = ["${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/*"] }\` inside \`provider_installation\`.`,
  ].join('\n');
}

export function environmentSection(): string {
  return [
    '## Environment Variables',
    '',
    'Every provider argument can come from the environment instead, so an empty `provider "vmoodle" {}` block works and no secret needs to be written in configuration.',
    '',
    '| Variable | Argument | Meaning |',
    '|---|---|---|',
    ...PROVIDER_ENVIRONMENT.map((v) => `| \`${v.name}\` | \`${v.argument}\` | ${v.meaning.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}
