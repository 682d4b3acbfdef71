// The long run of the hardening suite: the same tests with the soak profile (test/hardening/profile.ts:
// 20 s fault phases, 2,000 tenants, 3 rounds, a 300,000-value corpus sent whole through the sidecar,
// every provider fault followed by its own converging apply). Bounded like the quick run, only
// longer (about 20 to 30 minutes). `npm run soak` builds first; extra arguments pick files by name:
//   node dist/test/hardening/soak.js sidecar hostile
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .map((f) => join(__dirname, f));
if (files.length === 0) {
  process.stderr.write(`soak: no hardening test file matches ${filters.join(', ')}\n`);
  process.exit(2);
}
// One file at a time: each one loads the machine on its own.
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, VMOODLE_HARDENING: 'soak' },
});
const forward = (signal: NodeJS.Signals): void => {
  child.kill(signal);
};
process.once('SIGINT', forward);
process.once('SIGTERM', forward);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
