// `vmoodle provider install`: puts a launcher for this checkout's provider where Terraform looks for
// providers without a registry — the implicit local mirror (~/.terraform.d/plugins) by default, or a
// filesystem mirror folder given with --dir — so `terraform init` works offline.
import { mkdirSync, writeFileSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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
  writeFileSync(executable, launcherScript(process.execPath, entry));
  chmodSync(executable, 0o755);
  return { mirror, executable, version };
}

/**
 * The launcher Terraform executes. Preferably node itself through a `#!` line: no /bin/sh to start
 * first (~5 ms of each of the 3-5 provider processes a command starts), and Terraform's SIGKILL
 * reaches node directly. Node reads an extension-less file as CommonJS, or as an ES module inside a
 * `"type": "module"` package (a Terraform working dir can be in one): the line works either way,
 * synchronously where it can. A node path a `#!` line cannot carry gets the /bin/sh launcher.
 */
export function launcherScript(nodePath: string, entry: string): string {
  const note = '// vmoodle provider launcher (written by "vmoodle provider install")';
  if (nodePath.length <= 120 && /^\/[^\s]*$/.test(nodePath)) {
    return `#!${nodePath}\n${note}\ntypeof require === 'function' ? require(${JSON.stringify(entry)}) : import(${JSON.stringify(pathToFileURL(entry).href)});\n`;
  }
  return `#!/bin/sh\n# vmoodle provider launcher (written by "vmoodle provider install")\nexec ${JSON.stringify(nodePath)} ${JSON.stringify(entry)} "$@"\n`;
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
