// `vmoodle provider install`: the launcher Terraform executes. Both forms (node through a `#!` line,
// and /bin/sh exec node for node paths a `#!` line cannot carry) must start the real provider, which
// shows it by refusing to run outside Terraform (no magic cookie) with go-plugin's own message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installProvider, launcherScript } from '../../cli/provider-install';

const ENTRY = resolve(__dirname, '..', '..', 'provider', 'launch.js');

function runLauncher(path: string): { status: number | null; stderr: string } {
  // A cookie-less start: the provider must exit at once with go-plugin's message, proving it ran.
  const env = { PATH: process.env.PATH ?? '' };
  const r = spawnSync(path, [], { env, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

test('the installed launcher is node itself and starts the provider', (t) => {
  const mirror = mkdtempSync(join(tmpdir(), 'vmoodle-install-test-'));
  t.after(() => rmSync(mirror, { recursive: true, force: true }));
  const { executable, version } = installProvider({ dir: mirror });
  assert.match(executable, new RegExp(`registry\\.terraform\\.io/vmoodle/vmoodle/${version.replace(/\./g, '\\.')}/linux_[a-z0-9]+/terraform-provider-vmoodle_v`));
  const text = readFileSync(executable, 'utf8');
  assert.equal(text.split('\n')[0], `#!${process.execPath}`);
  const r = runLauncher(executable);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /This binary is a plugin/);
  // The same content on every install: Terraform's lock file hashes it.
  assert.equal(readFileSync(installProvider({ dir: mirror }).executable, 'utf8'), text);
});

test('a node path a #! line cannot carry gets the /bin/sh launcher, which starts the provider too', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vmoodle install test '));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const nodeDir = join(dir, 'node with spaces', 'bin');
  mkdirSync(nodeDir, { recursive: true });
  const node = join(nodeDir, 'node');
  symlinkSync(process.execPath, node);
  const script = launcherScript(node, ENTRY);
  assert.ok(script.startsWith('#!/bin/sh\n'), script);
  assert.ok(script.includes(`exec ${JSON.stringify(node)} ${JSON.stringify(ENTRY)} "$@"`));
  const launcher = join(dir, 'launcher');
  writeFileSync(launcher, script);
  chmodSync(launcher, 0o755);
  const r = runLauncher(launcher);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /This binary is a plugin/);

  // Too long for the kernel's #! buffer on some systems: the shell form as well.
  assert.ok(launcherScript(`/${'n'.repeat(130)}/node`, ENTRY).startsWith('#!/bin/sh\n'));
});

test('the #! launcher also starts the provider from inside an ES-module package', (t) => {
  // A Terraform working directory may sit in a "type": "module" package; the launcher is named
  // without an extension, which node then reads as an ES module.
  const dir = mkdtempSync(join(tmpdir(), 'vmoodle-install-esm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const launcher = join(dir, 'terraform-provider-vmoodle');
  writeFileSync(launcher, launcherScript(process.execPath, ENTRY));
  chmodSync(launcher, 0o755);
  const r = runLauncher(launcher);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /This binary is a plugin/);
});
