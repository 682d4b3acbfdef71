// A gzip-compressed output file that hashes what it writes: the dump and the dataroot archive go
// through one of these, so the manifest's sha256 and size come from the bytes as written, without
// reading the part again. write() waits for drain: a slow disk slows the producer (the database
// stream or the file walker) instead of filling memory.
import { createWriteStream, type WriteStream } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';

export interface PartResult {
  /** Bytes on disk (compressed). */
  bytes: number;
  /** Bytes before compression. */
  rawBytes: number;
  sha256: string;
}

export class GzipSink {
  private readonly gzip: Gzip;
  private readonly file: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private raw = 0;
  private failure: Error | undefined;
  private readonly finished: Promise<void>;

  constructor(path: string) {
    this.gzip = createGzip({ level: 6 });
    this.file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    this.gzip.on('data', (chunk: Buffer) => {
      this.hash.update(chunk);
      this.bytes += chunk.length;
      if (!this.file.write(chunk)) {
        this.gzip.pause();
        this.file.once('drain', () => this.gzip.resume());
      }
    });
    const fail = (err: Error): void => {
      this.failure ??= err;
    };
    this.gzip.on('error', fail);
    this.file.on('error', fail);
    this.finished = new Promise<void>((resolve, reject) => {
      this.gzip.once('end', () => this.file.end());
      this.file.once('close', () => (this.failure ? reject(this.failure) : resolve()));
      this.file.once('error', reject);
      this.gzip.once('error', reject);
    });
    // Reported through write()/end(); the listener only keeps an early error from being unhandled.
    this.finished.catch(() => undefined);
  }

  /** Bytes accepted so far, before compression (for progress). */
  get rawBytes(): number {
    return this.raw;
  }

  async write(data: Buffer | string): Promise<void> {
    if (this.failure) throw this.failure;
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (buf.length === 0) return;
    this.raw += buf.length;
    if (!this.gzip.write(buf)) await Promise.race([once(this.gzip, 'drain'), this.finished]);
    if (this.failure) throw this.failure;
  }

  async end(): Promise<PartResult> {
    this.gzip.end();
    await this.finished;
    return { bytes: this.bytes, rawBytes: this.raw, sha256: this.hash.digest('hex') };
  }

  /** Stops writing after a failure elsewhere; the caller removes the file. */
  async abort(): Promise<void> {
    this.gzip.destroy();
    this.file.destroy();
    await new Promise<void>((resolve) => (this.file.closed ? resolve() : this.file.once('close', () => resolve())));
  }
}
