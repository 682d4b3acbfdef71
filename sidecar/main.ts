// vmoodle-sidecar: wires the options, the HTTP server and the snapshot loader thread (registry reads,
// the PHP map and the state file: loader/), and shuts them down on SIGTERM/SIGINT.
import { mkdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { parseOptions, UsageError, USAGE, isLoopback, type SidecarOptions } from './options';
import { describeDsn } from './dsn';
import { buildServer } from './server';
import { ServingState } from './serving-state';
import { Metrics } from './metrics';
import { SnapshotLoader } from './loader/client';
import { prepareUnixSocket, restrictUnixSocket } from './listen';
import { removeStaleTempFiles } from './atomic-write';

/**
 * V8 lets a heap grow to two to four times its live size before collecting it again. The loader
 * thread keeps ~100 MB of tenant records alive at 100,000 tenants, and a reload makes tens of MB of
 * short-lived garbage: by default that alone took the process past 300 MB. Growing by a fifth
 * collects sooner; the collections happen in the loader thread, which no lookup waits for (the
 * HTTP thread's heap is a few MB). The flag is process-wide, hence here, before the loader starts.
 */
function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=20');
}

export async function main(argv: string[]): Promise<void> {
  // Files and the socket are created at most 0770/0660 before their explicit chmod: no window in
  // which another user could read the state or connect.
  process.umask(0o007);
  let opts: SidecarOptions;
  try {
    const parsed = parseOptions(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      return;
    }
    opts = parsed;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`vmoodle-sidecar: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }

  boundHeapGrowth();
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o750 });
  const state = new ServingState();
  const metrics = new Metrics();
  metrics.watchEventLoop();
  let loader: SnapshotLoader | undefined;
  const tenants = { tenantList: () => (loader ? loader.tenantList() : Promise.resolve(null)) };
  const app = buildServer({ state, metrics, tenants, token: opts.token, logLevel: opts.logLevel });
  const log = app.log;

  if (opts.listen.kind === 'unix') {
    await prepareUnixSocket(opts.listen.path);
    await app.listen({ path: opts.listen.path });
    await restrictUnixSocket(opts.listen.path);
  } else {
    if (!isLoopback(opts.listen.host)) {
      log.warn({ host: opts.listen.host }, 'listening beyond loopback: database credentials will cross the network');
    }
    await app.listen({ host: opts.listen.host, port: opts.listen.port });
  }

  for (const file of [opts.stateFile, opts.phpMap]) {
    const removed = await removeStaleTempFiles(file);
    if (removed > 0) log.warn({ path: file, removed }, 'removed temp files left by an interrupted write');
  }

  loader = new SnapshotLoader({
    settings: { registry: opts.registry, pollIntervalMs: opts.pollIntervalMs, stateFile: opts.stateFile, phpMap: opts.phpMap },
    state,
    metrics,
    log,
  });
  log.info(
    { registry: describeDsn(opts.registry), stateDir: opts.stateDir, phpMap: opts.phpMap, pollIntervalMs: opts.pollIntervalMs, tokenRequired: Boolean(opts.token) },
    'vmoodle-sidecar started',
  );

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    void Promise.all([app.close(), loader?.stop()])
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  // The usual "reload" signal: a fresh registry connection and a full read, without a restart.
  process.on('SIGHUP', () => {
    log.info({ signal: 'SIGHUP' }, 'restarting the snapshot loader: full registry read');
    loader?.restart();
  });
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  loader.start();
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`vmoodle-sidecar: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
