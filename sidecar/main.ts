// vmoodle-sidecar: wires the options, the registry reader, the poller, the files it keeps (PHP map,
// state file) and the HTTP server, and shuts them down on SIGTERM/SIGINT.
import { mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { parseOptions, UsageError, USAGE, isLoopback, type SidecarOptions } from './options';
import { describeDsn } from './dsn';
import { buildServer } from './server';
import { ServingState } from './serving-state';
import { Metrics } from './metrics';
import { RegistrySource } from './registry-source';
import { Poller } from './poller';
import { writePhpMap } from './php-map';
import { saveStateFile } from './state-file';
import { prepareUnixSocket, restrictUnixSocket } from './listen';
import { removeStaleTempFiles } from './atomic-write';
import type { Snapshot } from './snapshot';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Writes the PHP map (every snapshot) and the state file (registry snapshots), one write at a time.
 *
 * A write that fails (disk full, read-only state dir) is retried every `retryMs` until it succeeds or
 * a newer snapshot supersedes it. Without the retry, the files stayed at the old generation until the
 * next registry change, which may be days away: a restart during a registry outage then restored an
 * older snapshot than the one being served (hardening suite, "disk full" fault).
 *
 * A PHP map that could not be replaced is removed: the include would otherwise keep resolving hosts
 * from an out-of-date map (a host moved to another tenant would still reach the old one), whereas
 * without a map it asks this process, which serves the current snapshot. Removal works on a full
 * disk; on a read-only one it cannot, and the error log says the map is stale.
 */
function persister(opts: SidecarOptions, metrics: Metrics, log: FastifyBaseLogger): (s: Snapshot) => Promise<void> {
  const retryMs = Math.min(Math.max(opts.pollIntervalMs, 1000), 30_000);
  let chain: Promise<void> = Promise.resolve();
  let latest: Snapshot | null = null;
  let mapPending = false;
  let statePending = false;
  // Failures in the current streak: the first is logged, the rest only counted, until a success.
  let mapFailures = 0;
  let stateFailures = 0;
  // Whether the map on disk may be older than the snapshot served. Its removal is retried with
  // every failed write: a dir that was read-only (removal impossible) may be writable but full now.
  let staleMap = false;
  let removalLogged = false;
  let retry: NodeJS.Timeout | null = null;

  const writePending = async (): Promise<void> => {
    const snapshot = latest;
    if (!snapshot) return;
    if (mapPending) {
      try {
        await writePhpMap(opts.phpMap, snapshot.generation, snapshot.tenants);
        mapPending = false;
        staleMap = false;
        removalLogged = false;
        if (mapFailures > 0) log.info({ path: opts.phpMap, failures: mapFailures }, 'PHP map written again');
        mapFailures = 0;
      } catch (err) {
        metrics.mapWriteFailures++;
        if (mapFailures++ === 0) log.error({ path: opts.phpMap, code: (err as NodeJS.ErrnoException).code }, 'cannot write the PHP map; retrying');
        staleMap = true;
      }
      if (staleMap) {
        try {
          await unlink(opts.phpMap);
          staleMap = false;
          log.warn({ path: opts.phpMap }, 'removed the out-of-date PHP map: the include asks the sidecar until it is written again');
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') staleMap = false;
          else if (!removalLogged) {
            removalLogged = true;
            log.error({ path: opts.phpMap, code }, 'cannot remove the out-of-date PHP map: the include may serve an out-of-date map');
          }
        }
      }
    }
    if (statePending) {
      try {
        await saveStateFile(opts.stateFile, { generation: snapshot.generation, readAt: snapshot.meta.readAt, tenants: snapshot.tenants });
        statePending = false;
        if (stateFailures > 0) log.info({ path: opts.stateFile, failures: stateFailures }, 'state file written again');
        stateFailures = 0;
      } catch (err) {
        metrics.stateWriteFailures++;
        if (stateFailures++ === 0) log.error({ path: opts.stateFile, code: (err as NodeJS.ErrnoException).code }, 'cannot write the state file; retrying');
      }
    }
    if ((mapPending || statePending) && retry === null) {
      retry = setTimeout(() => {
        retry = null;
        chain = chain.then(writePending);
      }, retryMs);
      retry.unref();
    }
  };

  return (snapshot) => {
    latest = snapshot;
    mapPending = true;
    // A snapshot restored from the state file is already on disk.
    statePending = snapshot.meta.source === 'registry';
    chain = chain.then(writePending);
    return chain;
  };
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

  mkdirSync(opts.stateDir, { recursive: true, mode: 0o750 });
  const state = new ServingState();
  const metrics = new Metrics();
  metrics.watchEventLoop();
  const app = buildServer({ state, metrics, token: opts.token, logLevel: opts.logLevel });
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

  const source = new RegistrySource(opts.registry);
  const poller = new Poller({
    reader: source,
    state,
    metrics,
    log,
    intervalMs: opts.pollIntervalMs,
    stateFilePath: opts.stateFile,
    onInstalled: persister(opts, metrics, log),
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
    poller.stop();
    void app
      .close()
      .then(() => source.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await poller.start();
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`vmoodle-sidecar: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
