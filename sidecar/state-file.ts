// The last good snapshot on local disk, so a sidecar restarted while the registry is down still
// answers. It holds database passwords: mode 0600. A file that fails any check is refused whole
// (StateFileError with a clear reason); the sidecar then stays not-ready instead of serving guesses.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { writeFileAtomicChunks } from './atomic-write';
import { tenantFromStateRecord, InvalidTenantError } from './tenant-record';
import type { StateFile, TenantRecord } from '../generated/sidecar-types';

export const STATE_FILE_MODE = 0o600;
export const STATE_FILE_FORMAT = 1;

export class StateFileError extends Error {
  override name = 'StateFileError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`state file ${path} refused: ${reason}`);
  }
}

export interface LoadedState {
  generation: number;
  /** When the snapshot was read from the registry (ms epoch). */
  readAt: number;
  tenants: TenantRecord[];
}

function checksum(tenantsJson: string): string {
  return createHash('sha256').update(tenantsJson).digest('hex');
}

/** Records per chunk (about a millisecond): 100,000 tenants in one string would be ~50 MB at once. */
const CHUNK = 250;

/**
 * Writes the state file chunk by chunk, yielding to the event loop in between. The checksum covers
 * the text of the `tenants` array exactly as written (= JSON.stringify(tenants)), so it is computed
 * while streaming and written last: the loader reads fields by name, not position.
 */
export async function saveStateFile(
  path: string,
  snap: { generation: number; readAt: number; tenants: readonly TenantRecord[] },
): Promise<void> {
  const head: Omit<StateFile, 'checksum' | 'tenants'> = {
    format: STATE_FILE_FORMAT,
    generation: snap.generation,
    loadedAt: new Date(snap.readAt).toISOString(),
    savedAt: new Date().toISOString(),
  };
  const tenants = snap.tenants;
  async function* chunks(): AsyncGenerator<string> {
    const hash = createHash('sha256');
    const headText = JSON.stringify(head);
    yield headText.slice(0, -1) + ',"tenants":';
    for (let start = 0; start < tenants.length || start === 0; start += CHUNK) {
      let text = start === 0 ? '[' : ',';
      for (let i = start; i < Math.min(tenants.length, start + CHUNK); i++) text += (i === start ? '' : ',') + JSON.stringify(tenants[i]);
      if (start + CHUNK >= tenants.length) text += ']';
      hash.update(text);
      yield text;
      await yieldToLoop();
    }
    yield `,"checksum":"${hash.digest('hex')}"}\n`;
  }
  await writeFileAtomicChunks(path, chunks(), STATE_FILE_MODE);
}

/** Reads and checks the state file. Returns null when there is none; throws StateFileError when it is bad. */
export async function loadStateFile(path: string): Promise<LoadedState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new StateFileError(path, 'is not valid JSON (truncated or corrupt)');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new StateFileError(path, 'is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.format !== STATE_FILE_FORMAT) throw new StateFileError(path, `has format ${String(d.format)}, expected ${STATE_FILE_FORMAT}`);
  if (typeof d.generation !== 'number' || !Number.isSafeInteger(d.generation) || d.generation < 0) {
    throw new StateFileError(path, 'has no valid generation');
  }
  const readAt = typeof d.loadedAt === 'string' ? Date.parse(d.loadedAt) : NaN;
  if (!Number.isFinite(readAt)) throw new StateFileError(path, 'has no valid loadedAt');
  if (!Array.isArray(d.tenants)) throw new StateFileError(path, 'has no tenants array');
  if (typeof d.checksum !== 'string' || d.checksum !== checksum(JSON.stringify(d.tenants))) {
    throw new StateFileError(path, 'checksum does not match its content (edited or corrupt)');
  }
  const tenants: TenantRecord[] = [];
  for (const rec of d.tenants) {
    try {
      tenants.push(tenantFromStateRecord(rec));
    } catch (err) {
      if (err instanceof InvalidTenantError) throw new StateFileError(path, err.message);
      throw err;
    }
  }
  return { generation: d.generation, readAt, tenants };
}
