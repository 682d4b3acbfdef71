// A snapshot folder: database.sql.gz (the dump, usable as a vmoodle_tenant template as it is),
// dataroot.tar.gz (optional) and manifest.json, written last: a folder without a manifest is an
// interrupted snapshot. The manifest says what the parts are and holds their sha256, so a restore
// refuses a damaged or edited part before it touches the target. It never holds a credential.
import { createReadStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CommandError } from '../args';
import type { MoodleInfo } from './sql-dump';

export const MANIFEST_FILE = 'manifest.json';
export const DATABASE_PART = 'database.sql.gz';
export const DATAROOT_PART = 'dataroot.tar.gz';
export const MANIFEST_FORMAT = 'vmoodle-snapshot';
export const MANIFEST_VERSION = 1;

export interface PartInfo {
  file: string;
  /** Size on disk (gzip). */
  bytes: number;
  /** Size before compression. */
  rawBytes: number;
  sha256: string;
}

export interface SnapshotManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: number;
  createdAt: string;
  createdBy: string;
  durationMs: number;
  tenant: { id: string; host: string; wwwroot: string; server: string; database: string; prefix: string };
  moodle: MoodleInfo;
  database: PartInfo & {
    tables: Record<string, number>;
    rows: number;
    /** Tables outside the transaction's consistency (non-InnoDB). */
    nonTransactional: string[];
    /** Views and other objects not dumped. */
    skipped: string[];
  };
  dataroot:
    | (PartInfo & {
        path: string;
        files: number;
        directories: number;
        symlinks: number;
        contentBytes: number;
        excluded: string[];
        warnings: string[];
      })
    | null;
}

export async function writeManifest(dir: string, manifest: SnapshotManifest): Promise<void> {
  const tmp = join(dir, `.${MANIFEST_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, join(dir, MANIFEST_FILE));
}

function isPart(v: unknown): v is PartInfo {
  const p = v as Partial<PartInfo> | null;
  return (
    typeof p === 'object' && p !== null && typeof p.file === 'string' && /^[A-Za-z0-9._-]+$/.test(p.file) &&
    typeof p.bytes === 'number' && typeof p.sha256 === 'string' && /^[0-9a-f]{64}$/.test(p.sha256)
  );
}

/** Reads and checks the manifest of a snapshot folder; errors say what is wrong with it. */
export async function readManifest(dir: string): Promise<SnapshotManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new CommandError(`${dir} is not a snapshot: it has no ${MANIFEST_FILE} (an interrupted snapshot has none either)`);
  }
  let m: Partial<SnapshotManifest>;
  try {
    m = JSON.parse(text) as Partial<SnapshotManifest>;
  } catch {
    throw new CommandError(`${join(dir, MANIFEST_FILE)} is not valid JSON`);
  }
  if (m.format !== MANIFEST_FORMAT) throw new CommandError(`${join(dir, MANIFEST_FILE)} is not a vmoodle snapshot manifest`);
  if (typeof m.formatVersion !== 'number' || m.formatVersion > MANIFEST_VERSION) {
    throw new CommandError(`the snapshot has manifest version ${String(m.formatVersion)}; this vmoodle reads up to ${MANIFEST_VERSION}`);
  }
  if (!m.tenant || typeof m.tenant.host !== 'string' || typeof m.tenant.prefix !== 'string' || !isPart(m.database)) {
    throw new CommandError(`${join(dir, MANIFEST_FILE)} lacks the tenant or database part`);
  }
  if (m.dataroot !== null && m.dataroot !== undefined && !isPart(m.dataroot)) throw new CommandError(`${join(dir, MANIFEST_FILE)} has a malformed dataroot part`);
  return { ...m, dataroot: m.dataroot ?? null } as SnapshotManifest;
}

export async function sha256File(path: string, onBytes: (n: number) => void = () => undefined): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    onBytes(chunk.length);
  }
  return hash.digest('hex');
}

/** Checks every part against the manifest's sha256 (before anything is changed). */
export async function verifyParts(dir: string, manifest: SnapshotManifest, onBytes: (n: number) => void = () => undefined): Promise<void> {
  const parts = [manifest.database, ...(manifest.dataroot ? [manifest.dataroot] : [])];
  for (const part of parts) {
    const path = join(dir, part.file);
    let actual: string;
    try {
      actual = await sha256File(path, onBytes);
    } catch {
      throw new CommandError(`${path} is missing or unreadable`);
    }
    if (actual !== part.sha256) throw new CommandError(`${path} does not match the manifest (sha256 ${actual}, expected ${part.sha256}): the snapshot is damaged or was edited`);
  }
}
