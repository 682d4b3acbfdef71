// vmoodle-sidecar: wires the options, the registry reader, the poller, the files it keeps (PHP map,
// state file) and the HTTP server, and shuts them down on SIGTERM/SIGINT.
import { mkdirSync } from 'node:fs';
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
import type { Snapshot } from './snapshot';
import type { FastifyBaseLogger } from 'fastify';

/** Writes the PHP map (every snapshot) and the state file (registry snapshots), one write at a time. */
function persister(opts: SidecarOptions, metrics: Metrics, log: FastifyBaseLogger): (s: Snapshot) => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return (snapshot) => {
    chain = chain.then(async () => {
      try {
        await writePhpMap(opts.phpMap, snapshot.generation, snapshot.tenants);
      } catch (err) {
        metrics.mapWriteFailures++;
        log.error({ path: opts.phpMap, code: (err as NodeJS.ErrnoException).code }, 'cannot write the PHP map');
      }
      if (snapshot.meta.source !== 'registry') return;
      try {
        await saveStateFile(opts.stateFile, { generation: snapshot.generation, readAt: snapshot.meta.readAt, tenants: snapshot.tenants });
      } catch (err) {
        metrics.stateWriteFailures++;
        log.error({ path: opts.stateFile, code: (err as NodeJS.ErrnoException).code }, 'cannot write the state file');
      }
    });
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
