// `vmoodle provider install`: puts a launcher for this checkout's provider where Terraform looks for
// providers without a registry — the implicit local mirror (~/.terraform.d/plugins) by default, or a
// filesystem mirror folder given with --dir — so `terraform init` works offline.
import { mkdirSync, writeFileSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const PROVIDER_HOST = 'registry.terraform.io';
export const PROVIDER_NAMESPACE = 'vmoodle';
export const PROVIDER_TYPE = 'vmoodle';

export function providerVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function platform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch;
  return `${os}_${arch}`;
}

export interface InstallResult {
  mirror: string;
  executable: string;
  version: string;
}

export function installProvider(opts: { dir?: string } = {}): InstallResult {
  const mirror = resolve(opts.dir ?? join(homedir(), '.terraform.d', 'plugins'));
  const version = providerVersion();
  const folder = join(mirror, PROVIDER_HOST, PROVIDER_NAMESPACE, PROVIDER_TYPE, version, platform());
  mkdirSync(folder, { recursive: true });
  // launch.js runs the one-file bundle with a code cache when it is current, else main.js (see there).
  const entry = resolve(__dirname, '..', 'provider', 'launch.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first.`);
  const executable = join(folder, `terraform-provider-${PROVIDER_TYPE}_v${version}`);
  // Terraform hashes the package folder into .terraform.lock.hcl: the launcher's content depends
  // only on where node and this checkout live, so rebuilding the provider keeps lock files valid.
  const script = `#!/bin/sh\n# vmoodle provider launcher (written by "vmoodle provider install")\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} "$@"\n`;
  writeFileSync(executable, script);
  chmodSync(executable, 0o755);
  return { mirror, executable, version };
}

/** A Terraform CLI configuration that installs vmoodle from `mirror` and nothing from the network. */
export function cliConfigFor(mirror: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = ["${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/*"]`,
    '  }',
    '}',
    '',
  ].join('\n');
}
