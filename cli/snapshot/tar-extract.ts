// Extracts a dataroot archive (tar.gz written by tar-pack.ts, or any ustar/pax/GNU tar of files,
// folders and symbolic links) into a folder, streaming. An archive is untrusted input here:
//  - every path must stay inside the target (no absolute paths, no "..");
//  - symbolic links are created only after every file has been written, so no file can be
//    written through a link the archive planted earlier; files are opened with O_NOFOLLOW too;
//  - folder modes are applied last, so a read-only folder in the archive cannot block its own files.
import { createReadStream, constants as fsc } from 'node:fs';
import { chmod, mkdir, open, symlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { BLOCK, decodeHeader, isZeroBlock, padding, parsePax, TarFormatError } from './tar-format';

export interface ExtractResult {
  files: number;
  directories: number;
  symlinks: number;
  bytes: number;
  warnings: string[];
}

/** Exact-size reads over a stream of chunks. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.it.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, next.value]) : next.value;
    return true;
  }

  /** n bytes, or null at a clean end of input; throws when the input stops inside them. */
  async exactly(n: number): Promise<Buffer | null> {
    while (this.buf.length < n) {
      if (!(await this.more())) {
        if (this.buf.length === 0) return null;
        throw new TarFormatError('the archive is truncated');
      }
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Passes the next n bytes to fn in chunks as they arrive. */
  async forEach(n: number, fn: (chunk: Buffer) => Promise<void>): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.more())) throw new TarFormatError('the archive is truncated');
      const take = Math.min(left, this.buf.length);
      const chunk = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
      await fn(chunk);
    }
  }

  async skip(n: number): Promise<void> {
    await this.forEach(n, async () => undefined);
  }
}

/**
 * The target path of an archive member, null for the root itself ("./", which `tar -C dir .`
 * writes; the target folder keeps its own mode), or an error: the archive must not escape `root`.
 */
export function safeTarget(root: string, name: string): string | null {
  if (name.startsWith('/')) throw new TarFormatError(`the archive holds an absolute path "${name}"; refusing to extract it`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return null;
  if (parts.includes('..')) throw new TarFormatError(`the archive holds a path with ".." ("${name}"); refusing to extract it`);
  if (parts.some((p) => p.includes('\0'))) throw new TarFormatError('the archive holds a path with a NUL byte');
  return join(root, ...parts);
}

async function writeFile(reader: ByteReader, path: string, size: number, mode: number, mtime: number, onBytes: (n: number) => void): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | fsc.O_NOFOLLOW, 0o600);
  try {
    await reader.forEach(size, async (chunk) => {
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      onBytes(chunk.length);
    });
  } finally {
    await fh.close();
  }
  await chmod(path, mode & 0o7777);
  await utimes(path, mtime, mtime);
}

/**
 * Extracts `archive` (gzip-compressed tar) into `root`, which must exist and should be empty.
 * Ownership is not restored: files belong to whoever runs the restore (run it as the web server user).
 */
export async function extractArchive(archive: string, root: string, onProgress: (bytes: number, files: number) => void = () => undefined): Promise<ExtractResult> {
  const input = createReadStream(archive).pipe(createGunzip());
  const reader = new ByteReader(input);
  const result: ExtractResult = { files: 0, directories: 0, symlinks: 0, bytes: 0, warnings: [] };
  const folders: { path: string; mode: number; mtime: number }[] = [];
  const links: { path: string; target: string }[] = [];
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      const block = await reader.exactly(BLOCK);
      if (block === null) throw new TarFormatError('the archive ends without its end-of-archive blocks: it is truncated');
      if (isZeroBlock(block)) break;
      const h = decodeHeader(block);
      const size = pax.has('size') ? Number(pax.get('size')) : h.size;
      if (!Number.isSafeInteger(size) || size < 0) throw new TarFormatError(`bad size for ${h.name}`);
      if (h.flag === 'x' || h.flag === 'g' || h.flag === 'L' || h.flag === 'K') {
        const data = (await reader.exactly(size + padding(size))) ?? Buffer.alloc(0);
        const body = data.subarray(0, size);
        if (h.flag === 'x') pax = parsePax(body);
        else if (h.flag === 'L') longName = body.toString('utf8').replace(/\0+$/, '');
        else if (h.flag === 'K') longLink = body.toString('utf8').replace(/\0+$/, '');
        continue; // 'g' (global pax) carries nothing we use
      }
      const name = pax.get('path') ?? longName ?? h.name;
      const linkpath = pax.get('linkpath') ?? longLink ?? h.linkname;
      const mtime = pax.has('mtime') ? Math.floor(Number(pax.get('mtime'))) : h.mtime;
      pax = new Map();
      longName = longLink = undefined;
      const found = safeTarget(root, name);
      if (found === null && h.flag !== '5') throw new TarFormatError(`the archive holds an entry without a name ("${name}")`);
      const target = found ?? root;
      switch (found === null ? 'root' : h.flag) {
        case 'root':
          break;
        case '0':
        case '7':
          await writeFile(reader, target, size, h.mode, mtime, (n) => {
            result.bytes += n;
            onProgress(result.bytes, result.files);
          });
          result.files++;
          break;
        case '5':
          await mkdir(target, { recursive: true, mode: 0o700 });
          folders.push({ path: target, mode: h.mode, mtime });
          result.directories++;
          break;
        case '2':
          links.push({ path: target, target: linkpath });
          break;
        default:
          result.warnings.push(`${name}: tar entry type "${h.flag}" is not supported (hard link, device or FIFO); skipped`);
      }
      // Folders and links carry no data; an unsupported entry's data is skipped unread.
      const isFile = h.flag === '0' || h.flag === '7';
      const dataSize = h.flag === '5' || h.flag === '2' ? 0 : size;
      if (!isFile) await reader.skip(dataSize);
      await reader.skip(padding(dataSize));
    }
  } finally {
    input.destroy();
  }
  for (const l of links) {
    await mkdir(dirname(l.path), { recursive: true });
    await symlink(l.target, l.path);
    result.symlinks++;
  }
  // Deepest first, so setting a parent's mtime is not undone by changes inside it.
  folders.sort((a, b) => b.path.length - a.path.length);
  for (const f of folders) {
    await chmod(f.path, f.mode & 0o7777);
    await utimes(f.path, f.mtime, f.mtime);
  }
  return result;
}
