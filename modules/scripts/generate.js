#!/usr/bin/env node
// `npm run get`: regenerates everything under modules/.gen/ from its two sources of truth.
//   1. .gen/providers/vmoodle/  CDKTF bindings from the vmoodle provider's own schema. The schema is
//      read the way `cdktf get` reads it (terraform init + `terraform providers schema -json` in a
//      temporary workspace), but offline: this checkout's provider is installed into a temporary
//      filesystem mirror (cli/provider-install.ts) that the workspace's CLI config points at.
//   2. .gen/spec/               TypeScript types for schemas/*.schema.json (json-schema-to-typescript).
// Output is deterministic, so it is committed; `--check` regenerates into a temporary folder and
// exits 1 when anything differs (the root test suite runs it).
//
//   node scripts/generate.js           rewrite .gen/
//   node scripts/generate.js --check   compare only
//
// Needs the root project built (`npm run build` at the root: dist/provider, dist/cli) and terraform
// on PATH (or TERRAFORM_BINARY_NAME, as cdktf uses).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MODULES = path.resolve(__dirname, '..');
const ROOT = path.resolve(MODULES, '..');
const GEN = path.join(MODULES, '.gen');
const TERRAFORM = process.env.TERRAFORM_BINARY_NAME || 'terraform';
const PROVIDER_SOURCE = 'vmoodle/vmoodle';

function fail(message) {
  console.error(`generate: ${message}`);
  process.exit(1);
}

/** `~> MAJOR.MINOR` of the root package: the bindings accept any patch release of the provider they were made from. */
function providerConstraint() {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const m = /^(\d+)\.(\d+)\./.exec(version);
  if (!m) fail(`root package.json version "${version}" is not MAJOR.MINOR.PATCH`);
  return `~> ${m[1]}.${m[2]}`;
}

function terraform(args, cwd, env) {
  const r = spawnSync(TERRAFORM, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) fail(`could not run ${TERRAFORM}: ${r.error.message}`);
  if (r.status !== 0) fail(`terraform ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The provider schema exactly as Terraform reports it, with the provider served from a private mirror. */
function readProviderSchema(tmp, constraint) {
  const installModule = path.join(ROOT, 'dist', 'cli', 'provider-install.js');
  if (!fs.existsSync(installModule)) fail(`${installModule} is missing: run "npm run build" in ${ROOT} first.`);
  const { installProvider, cliConfigFor } = require(installModule);
  const mirror = path.join(tmp, 'mirror');
  installProvider({ dir: mirror });
  const cliConfig = path.join(tmp, 'terraformrc');
  fs.writeFileSync(cliConfig, cliConfigFor(mirror));
  const work = path.join(tmp, 'workspace');
  fs.mkdirSync(work);
  fs.writeFileSync(
    path.join(work, 'main.tf.json'),
    JSON.stringify({ terraform: { required_providers: { vmoodle: { source: PROVIDER_SOURCE, version: constraint } } } }),
  );
  // HOME points into the temp folder so nothing from the user's ~/.terraform.d leaks in.
  const env = { ...process.env, HOME: tmp, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  delete env.TF_PLUGIN_CACHE_DIR;
  terraform(['init', '-input=false', '-no-color', '-backend=false'], work, env);
  const schema = JSON.parse(terraform(['providers', 'schema', '-json'], work, env));
  // @cdktf/commons runs `terraform version -json` when it is first required; give it the same config
  // so it does not print the "Unable to open CLI configuration file" warning.
  process.env.TF_CLI_CONFIG_FILE = cliConfig;
  process.env.CHECKPOINT_DISABLE = '1';
  return schema;
}

/** Requires a dependency of @cdktf/provider-generator (not a dependency of ours, so resolve it from there). */
function fromGenerator(name) {
  return require(require.resolve(name, { paths: [require.resolve('@cdktf/provider-generator')] }));
}

/**
 * cdktf 0.21's generator emits `cdktf.StringMapMap` (and `<Type>MapMap`) accessors for computed
 * attributes of type map(map(...)), classes its runtime does not have, so the bindings would not
 * compile (hashicorp/terraform-cdk#3915, fixed only in CDK Terrain). Such attributes are outputs
 * only (nothing can set them), so they are handed to the generator as `dynamic`: their accessor
 * is an untyped reference (usable with Fn.lookup), and every input keeps its exact type.
 * Returns the attributes changed, for the log.
 */
function patchNestedComputedMaps(schema) {
  const changed = [];
  const walk = (where, block) => {
    for (const [name, attr] of Object.entries(block.attributes || {})) {
      const t = attr.type;
      const computedOnly = attr.computed && !attr.optional && !attr.required;
      if (computedOnly && Array.isArray(t) && t[0] === 'map' && Array.isArray(t[1]) && t[1][0] === 'map') {
        attr.type = 'dynamic';
        changed.push(`${where}.${name}`);
      }
      if (attr.nested_type) walk(`${where}.${name}`, attr.nested_type);
    }
    for (const [name, nested] of Object.entries(block.block_types || {})) walk(`${where}.${name}`, nested.block);
  };
  for (const provider of Object.values(schema.provider_schemas || {})) {
    for (const kind of ['resource_schemas', 'data_source_schemas']) {
      for (const [type, s] of Object.entries(provider[kind] || {})) walk(type, s.block);
    }
  }
  return changed;
}

async function generateBindings(schema, constraint, outDir) {
  // The package's index also loads its jsii-based multi-language support, which requires jsii-pacmak
  // (a cdktf-cli dependency we do not install); the TypeScript generator itself does not need it.
  const { TerraformProviderGenerator } = require('@cdktf/provider-generator/lib/get/generator/provider-generator');
  const { CodeMaker } = fromGenerator('codemaker');
  const commons = fromGenerator('@cdktf/commons');
  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  // The same target `cdktf get` builds for `"terraformProviders": ["vmoodle/vmoodle@~> 0.1"]`: the
  // synthesised required_providers then carries the constraint instead of pinning one exact version.
  const constraintObj = new commons.TerraformProviderConstraint(`${PROVIDER_SOURCE}@${constraint}`);
  generator.generate(new commons.ConstructsMakerProviderTarget(constraintObj, commons.LANGUAGES[0]));
  await code.save(outDir);
}

const SPEC_OPTIONS = {
  bannerComment: '',
  additionalProperties: false,
  declareExternallyReferenced: true,
  unreachableDefinitions: true,
  unknownAny: true,
  strictIndexSignatures: true,
  format: true,
  style: { singleQuote: true, printWidth: 110, trailingComma: 'all', semi: true },
};

async function generateSpecTypes(outDir) {
  const { compile } = require('json-schema-to-typescript');
  const dir = path.join(MODULES, 'schemas');
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort()) {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    // $id names the schema for validators; json-schema-to-typescript would name types after it.
    const { $id: _id, ...rest } = schema;
    const ts = await compile(rest, schema.title, { ...SPEC_OPTIONS, cwd: dir });
    const header = [
      '/* eslint-disable */',
      `// GENERATED by modules/scripts/generate.js from modules/schemas/${file}: do not edit by hand.`,
      '// Regenerate with: npm run get (in modules/)',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(outDir, file.replace(/\.schema\.json$/, '.ts')), `${header}${ts.trim()}\n`);
  }
}

/** Relative path → content of every file under dir, sorted. */
function snapshot(dir) {
  const out = new Map();
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function differences(expected, actual) {
  const problems = [];
  for (const [file, content] of expected) {
    const have = actual.get(file);
    if (!have) problems.push(`missing   .gen/${file}`);
    else if (!have.equals(content)) problems.push(`differs   .gen/${file}`);
  }
  for (const file of actual.keys()) if (!expected.has(file)) problems.push(`extra     .gen/${file}`);
  return problems;
}

async function main() {
  const check = process.argv.includes('--check');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmoodle-cdktf-get-'));
  try {
    const constraint = providerConstraint();
    const schema = readProviderSchema(tmp, constraint);
    const patched = patchNestedComputedMaps(schema);
    if (patched.length > 0 && !check) console.log(`typed as dynamic (cdktf cannot type nested computed maps): ${patched.join(', ')}`);
    const out = path.join(tmp, 'gen');
    await generateBindings(schema, constraint, out); // writes providers/vmoodle/**
    await generateSpecTypes(path.join(out, 'spec'));
    const fresh = snapshot(out);
    if (check) {
      const problems = differences(fresh, snapshot(GEN));
      if (problems.length > 0) fail(`modules/.gen is out of date (run "npm run get" in modules/):\n  ${problems.join('\n  ')}`);
      console.log(`modules/.gen is up to date (${fresh.size} files)`);
      return;
    }
    fs.rmSync(GEN, { recursive: true, force: true });
    fs.cpSync(out, GEN, { recursive: true });
    console.log(`wrote modules/.gen (${fresh.size} files; provider ${PROVIDER_SOURCE} ${constraint})`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => fail(err instanceof Error ? err.stack : String(err)));
