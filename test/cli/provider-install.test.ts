// `vmoodle provider install`: the launcher Terraform executes. Both forms (node through a `#!` line,
// and /bin/sh exec node for node paths a `#!` line cannot carry) must start the real provider, which
// shows it by refusing to run outside Terraform (no magic cookie) with go-plugin's own message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installProvider, launcherScript } from '../../cli/provider-install';
import { createServerCertificate } from '../../provider/plugin/tls-cert';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../provider/plugin/serve';

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

test('SIGTERM right after the handshake line: the provider exits 0 and leaves no socket folder behind', async (t) => {
  const mirror = mkdtempSync(join(tmpdir(), 'vmoodle-install-term-'));
  const socketDirs = mkdtempSync(join(tmpdir(), 'vmoodle-install-sockets-'));
  t.after(() => {
    rmSync(mirror, { recursive: true, force: true });
    rmSync(socketDirs, { recursive: true, force: true });
  });
  const { executable } = installProvider({ dir: mirror });
  const env = {
    PATH: process.env.PATH ?? '',
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: '6',
    PLUGIN_CLIENT_CERT: createServerCertificate().certPem,
    PLUGIN_UNIX_SOCKET_DIR: socketDirs,
  };
  for (const delayMs of [0, 300]) {
    const child = spawn(executable, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let line = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const socketPath = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        line += d.toString();
        if (line.includes('\n')) resolve(line.split('|')[3]!);
      });
      child.once('exit', () => reject(new Error(`provider exited before its handshake: ${line}`)));
    });
    assert.ok(existsSync(socketPath), socketPath);
    await new Promise((r) => setTimeout(r, delayMs));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(killer);
    assert.equal(code, 0, `exit code after SIGTERM ${delayMs} ms after the handshake`);
    assert.ok(!existsSync(dirname(socketPath)), 'socket folder removed');
  }
});
