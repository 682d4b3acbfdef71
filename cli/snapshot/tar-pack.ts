// Archives a Moodle data folder as tar (into a GzipSink), leaving out what Moodle rebuilds by itself:
// caches, temporary files, sessions, locks and the trash (moodle-facts.md A3; VMoodle copied them,
// vmoodle-inventory.md 5.1). The folder is walked twice: once to count (for the progress bar and
// without holding a list of a million files), once to write. Entries are in sorted order, so the
// same data folder always gives the same archive listing.
import { lstat, open, opendir, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { END_OF_ARCHIVE, encodeHeader, padding, type TarEntry } from './tar-format';

/** Top-level folders of a dataroot that hold only rebuildable state. */
export const EXCLUDED_FOLDERS: readonly string[] = ['cache', 'localcache', 'temp', 'sessions', 'lock', 'trashdir'];

/** $CFG settings that move those folders; when they point inside the dataroot they are left out too. */
const RELOCATING_SETTINGS = ['cachedir', 'localcachedir', 'tempdir', 'backuptempdir'];

const CHUNK = 1024 * 1024;

export interface ArchiveOutput {
  write(data: Buffer): Promise<void>;
}

export interface PackTotals {
  files: number;
  directories: number;
  symlinks: number;
  /** Bytes of file content. */
  bytes: number;
}

export interface PackResult extends PackTotals {
  /** Relative paths left out (only those that existed). */
  excluded: string[];
  warnings: string[];
}

/** Relative paths to leave out for this dataroot, given the tenant's forced $CFG settings. */
export function excludedPaths(root: string, config: Readonly<Record<string, string>> = {}): Set<string> {
  const out = new Set(EXCLUDED_FOLDERS);
  const base = resolve(root);
  for (const key of RELOCATING_SETTINGS) {
    const value = config[key];
    if (!value || !value.startsWith('/')) continue;
    const rel = relative(base, resolve(value));
    if (rel && !rel.startsWith('..') && !rel.startsWith(sep)) out.add(rel.split(sep).join('/'));
  }
  return out;
}

interface Item {
  rel: string;
  abs: string;
  st: Stats;
}

async function* walk(root: string, excluded: ReadonlySet<string>, rel = ''): AsyncGenerator<Item> {
  const dir = await opendir(rel ? join(root, rel) : root);
  const names: string[] = [];
  for await (const d of dir) names.push(d.name);
  names.sort();
  for (const name of names) {
    const childRel = rel ? `${rel}/${name}` : name;
    if (excluded.has(childRel)) continue;
    const abs = join(root, childRel);
    let st: Stats;
    try {
      st = await lstat(abs);
    } catch {
      continue; // removed while we walk (a session or temp file Moodle just deleted)
    }
    yield { rel: childRel, abs, st };
    if (st.isDirectory()) yield* walk(root, excluded, childRel);
  }
}

export async function countDataroot(root: string, excluded: ReadonlySet<string>): Promise<PackTotals> {
  const totals: PackTotals = { files: 0, directories: 0, symlinks: 0, bytes: 0 };
  for await (const { st } of walk(root, excluded)) {
    if (st.isFile()) {
      totals.files++;
      totals.bytes += st.size;
    } else if (st.isDirectory()) totals.directories++;
    else if (st.isSymbolicLink()) totals.symlinks++;
  }
  return totals;
}

/** Writes the file's first `size` bytes (zero-padded if it shrank meanwhile); returns false if it changed size. */
async function copyFile(abs: string, size: number, out: ArchiveOutput, onBytes: (n: number) => void): Promise<boolean> {
  const fh = await open(abs, 'r');
  let done = 0;
  try {
    while (done < size) {
      const want = Math.min(CHUNK, size - done);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, done);
      if (bytesRead === 0) break;
      await out.write(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      done += bytesRead;
      onBytes(bytesRead);
    }
    const grew = done === size && (await fh.stat()).size !== size;
    if (done < size) await out.write(Buffer.alloc(size - done));
    return done === size && !grew;
  } finally {
    await fh.close();
  }
}

/** Writes the tar stream of `root` (without `excluded`) and the end-of-archive blocks. */
export async function packDataroot(
  root: string,
  excluded: ReadonlySet<string>,
  out: ArchiveOutput,
  onProgress: (bytes: number, files: number) => void = () => undefined,
): Promise<PackResult> {
  const result: PackResult = { files: 0, directories: 0, symlinks: 0, bytes: 0, excluded: [], warnings: [] };
  for (const rel of [...excluded].sort()) {
    if (await lstat(join(root, rel)).then(() => true, () => false)) result.excluded.push(rel);
  }
  for await (const { rel, abs, st } of walk(root, excluded)) {
    const base = { path: rel, mode: st.mode & 0o7777, mtime: Math.floor(st.mtimeMs / 1000) };
    if (st.isDirectory()) {
      await out.write(encodeHeader({ ...base, type: 'directory', size: 0 }));
      result.directories++;
    } else if (st.isSymbolicLink()) {
      const entry: TarEntry = { ...base, type: 'symlink', size: 0, linkpath: await readlink(abs) };
      await out.write(encodeHeader(entry));
      result.symlinks++;
    } else if (st.isFile()) {
      await out.write(encodeHeader({ ...base, type: 'file', size: st.size }));
      const same = await copyFile(abs, st.size, out, (n) => {
        result.bytes += n;
        onProgress(result.bytes, result.files);
      });
      if (!same) result.warnings.push(`${rel} changed size while it was archived; the archive holds its first ${st.size} bytes`);
      const pad = padding(st.size);
      if (pad) await out.write(Buffer.alloc(pad));
      result.files++;
    } else {
      result.warnings.push(`${rel} is not a file, folder or symbolic link (socket, FIFO or device); left out`);
    }
  }
  await out.write(END_OF_ARCHIVE);
  return result;
}
