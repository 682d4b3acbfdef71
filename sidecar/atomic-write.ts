// Write a file so that readers see the old content or the new, never a mix: temp file in the same
// folder, fsync, chmod, rename over the target, fsync the folder (so the rename survives a crash).
import { open, rename, unlink, chmod } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let counter = 0;

export interface AtomicWriteOptions {
  /** Modification time to give the file (seconds since the epoch), set before the rename. */
  mtimeSeconds?: number;
}

export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode: number,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      // open()'s mode is filtered by the umask; the target mode is a contract (0600 / 0640).
      await fh.chmod(mode);
      if (opts.mtimeSeconds !== undefined) await fh.utimes(opts.mtimeSeconds, opts.mtimeSeconds);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}

/** chmod that reports instead of throwing (used where a wrong mode is worth a log line, not a crash). */
export async function tryChmod(path: string, mode: number): Promise<Error | null> {
  try {
    await chmod(path, mode);
    return null;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
