// What the installed provider launcher runs. Terraform starts the provider 3-5 times per command and
// waits for each: the handshake goes out from a handful of small modules (start.ts, plugin/serve.ts,
// the certificate), then the runtime (runtime.ts: gRPC server, codecs, the provider) loads from the
// one-file bundle dist/provider/bundle.js (scripts/bundle-provider.js) with a V8 code cache, which
// cuts start → first answer by about a third against ~100 separate modules: no module resolution,
// no parsing or compiling what was compiled before. Without a current bundle the runtime loads from
// the plain tsc output, exactly as main.ts does.
//
// "Current" = written after the last tsc build: tsc rewrites every output file, main.js included,
// so a bundle older than main.js was built from older code and is ignored (a plain `tsc` then
// `node --test` never runs stale provider code).
import { readFileSync, statSync, writeFileSync, renameSync, unlinkSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { startProvider } from './start';
import type { ProviderRuntime } from './plugin/serve';

const BUNDLE = join(__dirname, 'bundle.js');
const CACHE = `${BUNDLE}.cache`;

function bundleIsCurrent(): boolean {
  try {
    return statSync(BUNDLE).mtimeMs >= statSync(join(__dirname, 'main.js')).mtimeMs;
  } catch {
    return false;
  }
}

function readCache(): Buffer | undefined {
  try {
    return readFileSync(CACHE);
  } catch {
    return undefined;
  }
}

/** Runs the bundle as a CommonJS module, from V8's code cache when it has a valid one; returns its exports. */
function runBundle(): ProviderRuntime {
  const cachedData = readCache();
  const script = new Script(Module.wrap(readFileSync(BUNDLE, 'utf8')), { filename: BUNDLE, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // No cache yet, or one from another bundle or Node version (V8 checks both): write one at exit,
    // when it also holds every function this run compiled. Best effort; atomic for concurrent runs.
    process.once('exit', () => {
      const tmp = `${CACHE}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, CACHE);
      } catch {
        try {
          unlinkSync(tmp);
        } catch {
          /* nothing written */
        }
      }
    });
  }
  const mod = new Module(BUNDLE);
  mod.filename = BUNDLE;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(BUNDLE), mod, BUNDLE, __dirname);
  return mod.exports as ProviderRuntime;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
startProvider(bundleIsCurrent() ? runBundle : () => require('./runtime') as ProviderRuntime);
