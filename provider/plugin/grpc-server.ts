// A unary-only gRPC server on node:http2. Terraform only makes unary calls to a provider (the two
// streaming go-plugin services are optional and tolerated as UNIMPLEMENTED), so the whole of gRPC we
// need is: length-prefixed messages in, one message out, status in trailers. Doing it on node:http2
// instead of @grpc/grpc-js saves ~300 ms of module loading in every provider process.
import * as http2 from 'node:http2';
import type { Server as NetServer } from 'node:net';

export const enum GrpcStatus {
  OK = 0,
  CANCELLED = 1,
  UNKNOWN = 2,
  INVALID_ARGUMENT = 3,
  NOT_FOUND = 5,
  RESOURCE_EXHAUSTED = 8,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
}

export class GrpcError extends Error {
  override name = 'GrpcError';
  constructor(
    readonly code: GrpcStatus,
    message: string,
  ) {
    super(message);
  }
}

/** A unary handler: request message bytes in, response message bytes out. */
export type UnaryHandler = (request: Buffer, signal: AbortSignal) => Promise<Uint8Array>;

export interface GrpcServerOptions {
  /** TLS material; omitted for plaintext h2c (TF_DISABLE_PLUGIN_TLS, reattach mode). */
  tls?: { certPem: string; keyPem: string; clientCaPem: string };
  /** Upper bound for one request message; Terraform sends whole states in one message. */
  maxMessageBytes?: number;
  onError?: (err: unknown, path: string) => void;
}

const DEFAULT_MAX_MESSAGE = 256 * 1024 * 1024;

function encodeFrame(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** Percent-encodes grpc-message as the gRPC HTTP/2 spec asks (non-ASCII and '%'). */
function encodeGrpcMessage(message: string): string {
  return message.replace(/[^\x20-\x24\x26-\x7e]/gu, (ch) =>
    Array.from(Buffer.from(ch, 'utf8'), (b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join(''),
  );
}

export class UnaryGrpcServer {
  private readonly handlers = new Map<string, UnaryHandler>();
  private readonly held = new Set<string>();
  private readonly openStreams = new Set<http2.ServerHttp2Stream>();
  private readonly server: http2.Http2Server | http2.Http2SecureServer;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly maxMessageBytes: number;
  private inFlight = 0;
  private listener: NetServer | undefined;

  constructor(private readonly opts: GrpcServerOptions = {}) {
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE;
    const settings: http2.Settings = { maxConcurrentStreams: 1000, initialWindowSize: 4 * 1024 * 1024 };
    this.server = opts.tls
      ? http2.createSecureServer({
          cert: opts.tls.certPem,
          key: opts.tls.keyPem,
          ca: [opts.tls.clientCaPem],
          // Terraform's client certificate is the only one accepted (go-plugin AutoMTLS).
          requestCert: true,
          rejectUnauthorized: true,
          minVersion: 'TLSv1.2',
          ALPNProtocols: ['h2'],
          settings,
        })
      : http2.createServer({ settings });
    this.server.on('session', (session: http2.ServerHttp2Session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
      session.on('error', () => undefined);
    });
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
  }

  /** Registers `/package.Service/Method`. */
  handle(path: string, handler: UnaryHandler): void {
    this.handlers.set(path, handler);
  }

  /**
   * A server-streaming method we accept and keep open without sending anything until close():
   * go-plugin's StreamStdio, which Terraform opens on connect to relay a plugin's stdout/stderr.
   * Our logs already reach Terraform on stderr, so the stream stays silent.
   */
  hold(path: string): void {
    this.held.add(path);
  }

  get busy(): number {
    return this.inFlight;
  }

  listen(address: { path: string } | { host: string; port: number }): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      const done = (): void => {
        this.server.off('error', reject);
        const addr = this.server.address();
        resolve(typeof addr === 'string' ? addr : addr ? `${addr.address}:${addr.port}` : '');
      };
      if ('path' in address) this.server.listen(address.path, done);
      else this.server.listen(address.port, address.host, done);
    });
  }

  /**
   * Serves the connections of a plain net.Server that is already listening (TLS, if configured, is
   * layered on each socket here). serve() listens before node:http2 is even loaded, so the handshake
   * line goes out sooner; the connections queue in the kernel meanwhile.
   */
  attach(listener: NetServer): void {
    this.listener = listener;
    listener.on('connection', (socket) => this.server.emit('connection', socket));
  }

  /** Ends held streams cleanly (trailers, not a reset), then drops every connection. */
  async close(graceMs = 100): Promise<void> {
    const ended = [...this.openStreams].map(
      (stream) =>
        new Promise<void>((resolve) => {
          if (stream.destroyed || stream.closed) return resolve();
          stream.once('close', () => resolve());
          stream.end();
        }),
    );
    await Promise.race([Promise.all(ended), new Promise((r) => setTimeout(r, graceMs))]);
    for (const session of this.sessions) session.destroy();
    const listener = this.listener;
    if (listener) await new Promise<void>((resolve) => listener.close(() => resolve()));
    else await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const path = String(headers[':path'] ?? '');
    const handler = this.handlers.get(path);
    stream.on('error', () => undefined);
    if (this.held.has(path)) {
      stream.on('data', () => undefined);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      this.openStreams.add(stream);
      stream.once('close', () => this.openStreams.delete(stream));
      return;
    }
    if (!handler) {
      stream.on('data', () => undefined);
      this.trailersOnly(stream, GrpcStatus.UNIMPLEMENTED, `method ${path} is not implemented`);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxMessageBytes + 5) tooLarge = true;
      else chunks.push(chunk);
    });
    stream.on('end', () => {
      if (tooLarge) {
        this.trailersOnly(stream, GrpcStatus.RESOURCE_EXHAUSTED, 'request message too large');
        return;
      }
      const body = Buffer.concat(chunks);
      if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
        this.trailersOnly(stream, GrpcStatus.INVALID_ARGUMENT, 'expected exactly one uncompressed gRPC message');
        return;
      }
      void this.run(stream, path, handler, body.subarray(5));
    });
  }

  private async run(stream: http2.ServerHttp2Stream, path: string, handler: UnaryHandler, message: Buffer): Promise<void> {
    const abort = new AbortController();
    // Only a stream closed before its answer is an abort. Aborting after every answered call would
    // build a DOMException with a stack trace per RPC: measurable with thousands of RPCs per plan.
    const onClose = (): void => abort.abort();
    stream.once('close', onClose);
    this.inFlight++;
    try {
      const response = await handler(message, abort.signal);
      stream.off('close', onClose);
      if (stream.destroyed || stream.closed) return;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(encodeFrame(response));
    } catch (err) {
      stream.off('close', onClose);
      this.opts.onError?.(err, path);
      const code = err instanceof GrpcError ? err.code : GrpcStatus.INTERNAL;
      const text = err instanceof Error ? err.message : String(err);
      this.trailersOnly(stream, code, text);
    } finally {
      this.inFlight--;
    }
  }

  private trailersOnly(stream: http2.ServerHttp2Stream, code: GrpcStatus, message: string): void {
    if (stream.destroyed || stream.closed || stream.headersSent) return;
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message) },
      { endStream: true },
    );
  }
}
