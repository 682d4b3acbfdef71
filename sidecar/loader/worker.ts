// The loader thread's entry point (started by loader/client.ts). It owns the registry connection,
// the poller, the tenant records and the files; it sends the HTTP thread finished answer tables
// (transferred, not copied), registry state, counters and log lines.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { RegistrySource } from './registry-source';
import { Poller, type PollerSink } from './poller';
import { persister } from './persister';
import { AnswerTables } from './answers';
import type { LoaderCommand, LoaderCounters, LoaderEvent, LoaderLog, LoaderSettings, LogLevel } from './messages';

/**
 * Runs this thread at a lower CPU priority than the HTTP thread once there is something to serve:
 * on a busy web node (2 cores shared with PHP and MariaDB) a reload then takes the CPU lookups leave,
 * instead of making lookups wait. The first load, with nothing served yet, runs at full priority.
 * Linux applies setpriority() to a single thread when given its id, which /proc/thread-self names.
 * Elsewhere this is a no-op: the loader then competes as an equal, which is still correct.
 */
let lowered = false;
function lowerPriority(): void {
  if (lowered) return;
  lowered = true;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isSafeInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, Math.min(19, getPriority(tid) + 10));
  } catch {
    /* not Linux, or not permitted: run at the process's priority */
  }
}

const port = parentPort;
if (port === null) throw new Error('loader/worker.js runs as a worker thread of vmoodle-sidecar');
const settings = workerData as LoaderSettings;

function send(event: LoaderEvent, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(event, transfer);
}

function logAt(level: LogLevel) {
  return (fields: Record<string, unknown>, msg: string): void => send({ type: 'log', level, msg, fields });
}
const log: LoaderLog = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') };

const count = (counter: keyof LoaderCounters): void => send({ type: 'metrics', add: { [counter]: 1 } });

const persist = persister({
  phpMap: settings.phpMap,
  stateFile: settings.stateFile,
  retryMs: Math.min(Math.max(settings.pollIntervalMs, 1000), 30_000),
  log,
  count,
});

const tables = new AnswerTables();

const sink: PollerSink = {
  publish(set, registryUp, verifiedAt) {
    // Rendered and sent before anything else happens, so the HTTP thread swaps as early as possible;
    // the files follow.
    const { baseId, base, overlay } = tables.build(set);
    const transfer = [overlay.slots, overlay.entries, overlay.data];
    if (base !== null) transfer.push(base.slots, base.entries, base.data);
    send({ type: 'snapshot', meta: { ...set.meta }, tenants: set.size, baseId, base, overlay, registryUp, verifiedAt }, transfer);
    lowerPriority();
    return persist(set);
  },
  registry(up, verifiedAt) {
    send(verifiedAt === undefined ? { type: 'registry', up } : { type: 'registry', up, verifiedAt });
  },
  count,
  reloaded(seconds, invalidRows) {
    send({ type: 'metrics', add: { reloads: 1 }, reloadSeconds: seconds, invalidRows });
  },
};

const source = new RegistrySource(settings.registry);
const poller = new Poller({
  reader: source,
  sink,
  log,
  intervalMs: settings.pollIntervalMs,
  stateFilePath: settings.stateFile,
  restoreStateFile: settings.restoreStateFile,
});

port.on('message', (command: LoaderCommand) => {
  switch (command.type) {
    case 'tenant-list': {
      const set = poller.published;
      if (set === null) {
        send({ type: 'tenant-list', requestId: command.requestId, generation: null, body: null });
        return;
      }
      const bytes = Buffer.from(set.tenantList());
      // Transfer the list's bytes alone: a small Buffer lives in Node's shared pool, so it is copied
      // into an ArrayBuffer of its own first; a large one already has one.
      const body = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
      send({ type: 'tenant-list', requestId: command.requestId, generation: set.generation, body }, [body]);
      return;
    }
    case 'recycle':
      // Nothing to do: receiving them moved the buffers out of the HTTP thread; here they are
      // garbage, collected with this thread's own (which no lookup waits for).
      return;
    case 'resync': {
      tables.reset();
      const set = poller.published;
      if (set !== null) void sink.publish(set, poller.registryIsUp, set.meta.readAt);
      return;
    }
    case 'stop':
      poller.stop();
      void source.close().finally(() => {
        send({ type: 'stopped' });
        port.close();
      });
      return;
  }
});

void poller.start();
