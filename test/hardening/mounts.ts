// Real file-system faults for the sidecar's state dir: a size-capped tmpfs (disk full is a real
// ENOSPC from the kernel, not a mock) that can be remounted read-only (EROFS). Needs root with
// mount rights; where that is missing the caller skips those faults and says so.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { closeSync, openSync, writeSync } from 'node:fs';

const execFileP = promisify(execFile);

export async function mountTmpfs(dir: string, sizeKb: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, reason: 'not root' };
  try {
    await execFileP('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0750`, 'vmoodle-hardening', dir]);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `mount refused: ${(err as Error).message.split('\n')[0]}` };
  }
}

export async function remount(dir: string, how: 'ro' | 'rw'): Promise<void> {
  await execFileP('mount', ['-o', `remount,${how}`, dir]);
}

/** Lazy unmount: succeeds even if a killed process still had a file open there. */
export async function unmount(dir: string): Promise<void> {
  await execFileP('umount', ['-l', dir]).catch(() => undefined);
}

/** Writes zeros into `file` until the file system says ENOSPC. Returns the bytes written. */
export function fillUp(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk, 0, chunk.length);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
          // The last pages may still take a smaller write.
          if (chunk.length > 512) {
            return written + fillTail(fd);
          }
          return written;
        }
        throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function fillTail(fd: number): number {
  let written = 0;
  for (let size = 32 * 1024; size >= 512; size = Math.floor(size / 2)) {
    const b = Buffer.alloc(size);
    for (;;) {
      try {
        written += writeSync(fd, b, 0, b.length);
      } catch {
        break;
      }
    }
  }
  return written;
}
