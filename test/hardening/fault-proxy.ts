// A TCP proxy on loopback between a client (the sidecar, the provider) and MariaDB that injects
// faults on demand: latency on every packet, a cut (every connection reset, new ones reset as they
// arrive), or a stall (connections stay open and nothing gets through: a server that never answers).
// It lets a test make "the registry" slow or unreachable while the tenant databases on the same
// server stay reachable, or the other way round.
import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode =
  | { kind: 'pass' }
  /** Every chunk, in both directions, is held this long before it is forwarded (order is kept). */
  | { kind: 'delay'; ms: number }
  /** Open connections are reset; new ones are accepted and reset at once. */
  | { kind: 'cut' }
  /**
   * Connections, open and new, stay open but nothing is forwarded either way (bytes are dropped): a
   * server behind a stalled proxy, which accepts connections and never answers. Leaving the stall
   * resets the connections that lost bytes, so no client ever reads a torn stream.
   */
  | { kind: 'stall' };

interface Pair {
  client: Socket;
  server: Socket;
  /** Bytes were dropped by a stall: the stream is no longer whole. */
  torn?: boolean;
}

export class FaultProxy {
  private mode: ProxyMode = { kind: 'pass' };
  private readonly pairs = new Set<Pair>();
  private srv: Server | null = null;
  /** The last write queued for each socket. */
  private readonly chains = new WeakMap<Socket, Promise<void>>();
  /** Connections accepted, and connections reset by a cut (for the figures). */
  accepted = 0;
  resets = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetHost, targetPort);
    const srv = createServer((client) => proxy.accept(client));
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.srv = srv;
    return proxy;
  }

  /** The loopback port clients connect to. */
  get port(): number {
    const addr = this.srv?.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  setMode(mode: ProxyMode): void {
    this.mode = mode;
    if (mode.kind === 'cut') for (const p of [...this.pairs]) this.reset(p);
    else if (mode.kind !== 'stall') for (const p of [...this.pairs]) if (p.torn) this.reset(p);
  }

  private accept(client: Socket): void {
    this.accepted++;
    if (this.mode.kind === 'cut') {
      this.resets++;
      client.resetAndDestroy();
      return;
    }
    const server = connect({ host: this.targetHost, port: this.targetPort });
    client.setNoDelay(true);
    server.setNoDelay(true);
    const pair: Pair = { client, server };
    this.pairs.add(pair);
    const close = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on('error', close).on('close', close);
    server.on('error', close).on('close', close);
    client.on('data', (chunk: Buffer) => this.forward(pair, server, chunk));
    server.on('data', (chunk: Buffer) => this.forward(pair, client, chunk));
  }

  private forward(pair: Pair, dest: Socket, chunk: Buffer): void {
    const mode = this.mode;
    if (mode.kind === 'cut') return;
    if (mode.kind === 'stall') {
      pair.torn = true;
      return;
    }
    const dueAt = Date.now() + (mode.kind === 'delay' ? mode.ms : 0);
    // One chain per socket: a chunk never overtakes an earlier one still held (latency switched
    // off mid-stream), so the byte stream stays intact.
    const next = (this.chains.get(dest) ?? Promise.resolve())
      .then(() => {
        const wait = dueAt - Date.now();
        return wait > 0 ? new Promise<void>((r) => setTimeout(r, wait)) : undefined;
      })
      .then(() => {
        if (!dest.destroyed) dest.write(chunk);
      });
    this.chains.set(dest, next);
  }

  private reset(pair: Pair): void {
    this.resets++;
    this.pairs.delete(pair);
    pair.client.resetAndDestroy();
    pair.server.destroy();
  }

  async close(): Promise<void> {
    for (const p of [...this.pairs]) this.reset(p);
    const srv = this.srv;
    this.srv = null;
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
  }
}
