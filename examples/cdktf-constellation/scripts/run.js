#!/usr/bin/env node
// What `cdktf synth` / `cdktf deploy` do, without the cdktf CLI (deprecated, and heavy: jsii, a
// node-pty prebuild): run the `app` command from cdktf.json with CDKTF_OUTDIR set, then drive the
// synthesised stack with the real terraform.
//
//   node scripts/run.js synth   synthesise into cdktf.out/ (or $CDKTF_OUTDIR)
//   node scripts/run.js plan    synth, terraform init, terraform plan -detailed-exitcode (exit 2 = changes)
//   node scripts/run.js apply   synth, terraform init, terraform apply -auto-approve
//
// Provider settings come from the environment at plan/apply time (VMOODLE_REGISTRY,
// VMOODLE_SERVER_<NAME>, VMOODLE_DATAROOT_BASE): the provider reads them itself, so no DSN is ever
// written into cdktf.out. The provider is found through TF_CLI_CONFIG_FILE when that names an
// existing file; otherwise this checkout's provider is installed into .vmoodle-mirror/ and used.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PROJECT = path.resolve(__dirname, '..');
const REPO = path.resolve(PROJECT, '..', '..');

function die(message) {
  console.error(`run: ${message}`);
  process.exit(1);
}

function synth() {
  const config = JSON.parse(fs.readFileSync(path.join(PROJECT, 'cdktf.json'), 'utf8'));
  const outdir = path.resolve(PROJECT, process.env.CDKTF_OUTDIR || config.output || 'cdktf.out');
  // Like the cdktf CLI, start clean so a stack removed from the app does not linger; only what a
  // synth writes is removed, whatever folder CDKTF_OUTDIR names.
  fs.rmSync(path.join(outdir, 'stacks'), { recursive: true, force: true });
  fs.rmSync(path.join(outdir, 'manifest.json'), { force: true });
  const r = spawnSync(config.app, { shell: true, cwd: PROJECT, stdio: 'inherit', env: { ...process.env, CDKTF_OUTDIR: outdir } });
  if (r.status !== 0) die(`the app (${config.app}) failed${r.status === null ? ` (${r.signal})` : ''}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.values(manifest.stacks).map((s) => ({ name: s.name, dir: path.join(outdir, s.workingDirectory) }));
  for (const s of stacks) console.log(`synthesised stack ${s.name} → ${path.relative(process.cwd(), s.dir) || '.'}`);
  return stacks;
}

/** The Terraform CLI config to use: the caller's, or one pointing at a mirror of this checkout's provider. */
function cliConfig() {
  const given = process.env.TF_CLI_CONFIG_FILE;
  if (given && fs.existsSync(given)) return given;
  const installer = path.join(REPO, 'dist', 'cli', 'provider-install.js');
  if (!fs.existsSync(installer)) die(`TF_CLI_CONFIG_FILE names no existing file and ${installer} is missing: build the repository (npm run build at its root), or install the provider with "vmoodle provider install" and point TF_CLI_CONFIG_FILE at a config that finds it.`);
  const { installProvider, cliConfigFor } = require(installer);
  const mirror = path.join(PROJECT, '.vmoodle-mirror');
  installProvider({ dir: mirror });
  const file = path.join(mirror, 'terraformrc');
  fs.writeFileSync(file, cliConfigFor(mirror));
  return file;
}

function terraform(args, cwd, env) {
  const r = spawnSync(process.env.TERRAFORM_BINARY_NAME || 'terraform', args, { cwd, env, stdio: 'inherit' });
  if (r.error) die(`could not run terraform: ${r.error.message}`);
  return r.status ?? 1;
}

function main() {
  const command = process.argv[2];
  if (!['synth', 'plan', 'apply'].includes(command)) die('usage: node scripts/run.js synth|plan|apply');
  const stacks = synth();
  if (command === 'synth') return 0;
  const missing = ['VMOODLE_REGISTRY', 'VMOODLE_SERVER_DEFAULT'].filter((v) => !process.env[v]);
  if (missing.length > 0) die(`set ${missing.join(' and ')} (the provider reads its settings from the environment), e.g. VMOODLE_REGISTRY=mysql://admin:secret@127.0.0.1:3306/vmoodle_registry`);
  const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig(), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  let worst = 0;
  for (const stack of stacks) {
    if (terraform(['init', '-input=false'], stack.dir, env) !== 0) die(`terraform init failed for stack ${stack.name}`);
    const args = command === 'apply' ? ['apply', '-auto-approve', '-input=false'] : ['plan', '-detailed-exitcode', '-input=false'];
    const code = terraform(args, stack.dir, env);
    if (code === 1 || (command === 'apply' && code !== 0)) die(`terraform ${command} failed for stack ${stack.name}`);
    worst = Math.max(worst, code);
  }
  return worst;
}

process.exitCode = main();
