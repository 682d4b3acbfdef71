#!/usr/bin/env node
// Bundles the provider's runtime (dist/provider/runtime.js: everything a provider process loads after
// the go-plugin handshake) into one file, dist/provider/bundle.js, which dist/provider/launch.js
// loads with a V8 code cache. Terraform starts the provider 3-5 times per command; one file instead of
// ~100 modules saves module resolution and, with the cache, parsing: `npm run bench` (startup) shows
// start → first answer about a third lower.
//
// Runs after tsc (npm run build), and also rewrites dist/provider/launch.js as one file (below).
// mysql2 stays external: only processes that touch a database load it, from node_modules. Without
// esbuild installed this prints a note and exits 0: launch.js then runs the unbundled tsc output,
// which behaves the same, only slower to start.
'use strict';
const { join } = require('node:path');
const { existsSync, rmSync } = require('node:fs');

const ROOT = join(__dirname, '..');
const ENTRY = join(ROOT, 'dist', 'provider', 'runtime.js');
const OUT = join(ROOT, 'dist', 'provider', 'bundle.js');
const LAUNCH = join(ROOT, 'dist', 'provider', 'launch.js');

let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  process.stderr.write('bundle-provider: esbuild is not installed; the provider runs unbundled (slower start)\n');
  process.exit(0);
}
if (!existsSync(ENTRY) || !existsSync(LAUNCH)) {
  process.stderr.write(`bundle-provider: ${existsSync(ENTRY) ? LAUNCH : ENTRY} is missing; run tsc first\n`);
  process.exit(1);
}

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: false, logLevel: 'warning' };

Promise.all([
  // Readable stack traces in Terraform's logs matter more than a few hundred KB: not minified.
  esbuild.build({ ...common, entryPoints: [ENTRY], outfile: OUT, external: ['mysql2', 'mysql2/*'] }),
  // launch.js itself, rewritten in place with the handshake path (start, serve, the certificate)
  // inlined: one file to resolve and read before the handshake line instead of six. The runtime
  // stays outside it (bundle.js, or ./runtime when the bundle is not current).
  esbuild.build({ ...common, entryPoints: [LAUNCH], outfile: LAUNCH, allowOverwrite: true, external: ['./runtime', 'mysql2', 'mysql2/*'] }),
])
  .then(() => {
    // The old code cache belongs to the old bundle (V8 would reject it anyway): start afresh.
    rmSync(`${OUT}.cache`, { force: true });
  })
  .catch((err) => {
    process.stderr.write(`bundle-provider: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  });
