// Writes the PHP map (every snapshot) and the state file (registry snapshots), one write at a time,
// in the loader thread: at 100,000 tenants they are ~90 MB of text, rendered where the HTTP thread
// neither waits for it nor collects its garbage.
//
// A write that fails (disk full, read-only state dir) is retried every `retryMs` until it succeeds or
// a newer snapshot supersedes it. Without the retry, the files stayed at the old generation until the
// next registry change, which may be days away: a restart during a registry outage then restored an
// older snapshot than the one being served (hardening suite, "disk full" fault).
//
// A PHP map that could not be replaced is removed: the include would otherwise keep resolving hosts
// from an out-of-date map (a host moved to another tenant would still reach the old one), whereas
// without a map it asks the sidecar, which serves the current snapshot. Removal works on a full
// disk; on a read-only one it cannot, and the error log says the map is stale.
import { unlink } from 'node:fs/promises';
import { writePhpMap } from '../php-map';
import { saveStateFile } from '../state-file';
import type { TenantSet } from './tenant-set';
import type { LoaderCounters, LoaderLog } from './messages';

export interface PersisterOptions {
  phpMap: string;
  stateFile: string;
  retryMs: number;
  log: LoaderLog;
  count: (counter: keyof LoaderCounters) => void;
}

/** Returns the function to call with each snapshot published; its promise settles after the first attempt. */
export function persister(o: PersisterOptions): (set: TenantSet) => Promise<void> {
  const { log } = o;
  let chain: Promise<void> = Promise.resolve();
  let latest: TenantSet | null = null;
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
    const set = latest;
    if (!set) return;
    if (mapPending) {
      try {
        await writePhpMap(o.phpMap, set.generation, set.tenants);
        mapPending = false;
        staleMap = false;
        removalLogged = false;
        if (mapFailures > 0) log.info({ path: o.phpMap, failures: mapFailures }, 'PHP map written again');
        mapFailures = 0;
      } catch (err) {
        o.count('mapWriteFailures');
        if (mapFailures++ === 0) log.error({ path: o.phpMap, code: (err as NodeJS.ErrnoException).code }, 'cannot write the PHP map; retrying');
        staleMap = true;
      }
      if (staleMap) {
        try {
          await unlink(o.phpMap);
          staleMap = false;
          log.warn({ path: o.phpMap }, 'removed the out-of-date PHP map: the include asks the sidecar until it is written again');
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') staleMap = false;
          else if (!removalLogged) {
            removalLogged = true;
            log.error({ path: o.phpMap, code }, 'cannot remove the out-of-date PHP map: the include may serve an out-of-date map');
          }
        }
      }
    }
    if (statePending) {
      try {
        await saveStateFile(o.stateFile, { generation: set.generation, readAt: set.meta.readAt, tenants: set.tenants });
        statePending = false;
        if (stateFailures > 0) log.info({ path: o.stateFile, failures: stateFailures }, 'state file written again');
        stateFailures = 0;
      } catch (err) {
        o.count('stateWriteFailures');
        if (stateFailures++ === 0) log.error({ path: o.stateFile, code: (err as NodeJS.ErrnoException).code }, 'cannot write the state file; retrying');
      }
    }
    if ((mapPending || statePending) && retry === null) {
      retry = setTimeout(() => {
        retry = null;
        chain = chain.then(writePending);
      }, o.retryMs);
      retry.unref();
    }
  };

  return (set) => {
    latest = set;
    mapPending = true;
    // A snapshot restored from the state file is already on disk.
    statePending = set.meta.source === 'registry';
    chain = chain.then(writePending);
    return chain;
  };
}
