// The last good snapshot on local disk, so a sidecar restarted while the registry is down still
// answers. It holds database passwords: mode 0600. A file that fails any check is refused whole
// (StateFileError with a clear reason); the sidecar then stays not-ready instead of serving guesses.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write';
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

export async function saveStateFile(
  path: string,
  snap: { generation: number; readAt: number; tenants: readonly TenantRecord[] },
): Promise<void> {
  const tenantsJson = JSON.stringify(snap.tenants);
  const doc: StateFile = {
    format: STATE_FILE_FORMAT,
    generation: snap.generation,
    loadedAt: new Date(snap.readAt).toISOString(),
    savedAt: new Date().toISOString(),
    checksum: checksum(tenantsJson),
    tenants: [], // spliced below, so the checksummed text is exactly what is written
  };
  const head = JSON.stringify(doc);
  const text = head.slice(0, head.length - '[]}'.length) + tenantsJson + '}\n';
  await writeFileAtomic(path, text, STATE_FILE_MODE);
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
