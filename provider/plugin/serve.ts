// go-plugin's side of the contract with Terraform: check the magic cookie, listen on a fresh unix
// socket with mutual TLS, print the one handshake line on stdout, serve the provider and the small
// go-plugin services, and leave promptly when told to (GRPCController.Shutdown) or when orphaned.
//
// Start-up order matters: Terraform starts a provider process 3-5 times per command and waits for
// the handshake line each time. Only what the line needs runs before it: the certificate and a
// plain net.Server listening on the socket (the kernel queues Terraform's connection from then on).
// The runtime — node:http2 (+tls, ~20 ms), the protobuf codecs, the logger, the provider's own modules —
// loads right after the line is out, in the same tick, so it is ready before the event loop accepts
// that first connection. This file therefore imports nothing of it, not even the logger.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServerCertificate } from './tls-cert';
// A const enum: inlined at compile time, so this import emits no require().
import { GrpcStatus } from './grpc-server';
import type { RpcName, RequestOf, ResponseOf } from './proto/tfplugin6';

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

export type ProviderHandlers = {
  [K in RpcName]?: (request: RequestOf<K>, signal: AbortSignal) => Promise<ResponseOf<K>>;
};

export interface LoadedProvider {
  handlers: ProviderHandlers;
  /** Called once before the process exits, e.g. to close database pools. */
  onShutdown?: () => Promise<void>;
}

/** What serve() loads once the handshake line is out (provider/runtime.ts). */
export interface ProviderRuntime {
  grpc: typeof import('./grpc-server');
  tfplugin6: Pick<typeof import('./proto/tfplugin6'), 'providerMethods' | 'PROVIDER_SERVICE'>;
  goPlugin: Pick<typeof import('./proto/go-plugin'), 'Empty' | 'HealthCheckRequest' | 'HealthCheckResponse'>;
  log: typeof import('./log').log;
  scrub: typeof import('./log').scrub;
  loadProvider(): LoadedProvider;
}

export interface ServeOptions {
  /**
   * Loads the runtime: called right after the handshake line is printed (before any RPC can arrive),
   * so none of it is on the handshake path.
   */
  runtime: () => ProviderRuntime;
  env?: NodeJS.ProcessEnv;
}

export class HandshakeError extends Error {
  override name = 'HandshakeError';
}

function checkEnvironment(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new HandshakeError(
      'This binary is a plugin. These are not meant to be executed directly.\n' +
        'Please execute the program that consumes these plugins, which will\n' +
        'load any plugins automatically',
    );
  }
  const versions = (env.PLUGIN_PROTOCOL_VERSIONS ?? '6').split(',').map((v) => v.trim());
  if (!versions.includes('6')) {
    throw new HandshakeError(`this provider speaks plugin protocol 6 only; Terraform offered ${versions.join(',')} (use Terraform >= 1.0)`);
  }
}

/**
 * The error of a listen() that did not take. For a path (outside a cluster), net.Server binds and
 * listens synchronously and reports a failure on the next tick; only the 'listening' event would
 * wait for a tick too. The kernel queues connections from the moment listen() returns, so on success
 * the handshake goes out at once, without giving the event loop a turn (several ms on a busy
 * machine, at every provider start).
 */
function listenFailure(listener: NetServer): Promise<never> {
  return new Promise((_resolve, reject) => listener.once('error', reject));
}

export async function serve(opts: ServeOptions): Promise<void> {
  const env = opts.env ?? process.env;
  checkEnvironment(env);

  const clientCert = env.PLUGIN_CLIENT_CERT;
  // Generated here rather than on the thread pool: starting the pool's threads and waiting for the
  // callback cost more than the key (~1 ms).
  const cert = clientCert ? createServerCertificate() : undefined;
  const socketDir = mkdtempSync(join(env.PLUGIN_UNIX_SOCKET_DIR || tmpdir(), 'vmtf-'));
  const socketPath = join(socketDir, 'p.sock');
  const listener = createNetServer();
  listener.listen(socketPath);
  if (!listener.listening) {
    try {
      await listenFailure(listener);
    } catch (err) {
      listener.close();
      rmSync(socketDir, { recursive: true, force: true });
      throw err;
    }
  }

  // A SIGTERM before the provider is in place still removes the socket folder (a killed process
  // would otherwise leave one in the temp dir per start). One listener throughout, its action
  // swapped later: removing the last listener would drop a signal already pending.
  let onSigterm = (): void => {
    rmSync(socketDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => onSigterm());
  const handshake = ['1', '6', 'unix', socketPath, 'grpc', cert?.handshakeField ?? ''].join('|');
  process.stdout.write(handshake + '\n');

  // Everything below runs before control returns to the event loop, so no connection is accepted
  // (let alone an RPC read) until the server and every handler are in place.
  const rt = opts.runtime();
  const { UnaryGrpcServer, GrpcError } = rt.grpc;
  const { providerMethods, PROVIDER_SERVICE } = rt.tfplugin6;
  const { Empty, HealthCheckRequest, HealthCheckResponse } = rt.goPlugin;
  const { log, scrub } = rt;
  const server = new UnaryGrpcServer({
    tls: cert && clientCert ? { certPem: cert.certPem, keyPem: cert.keyPem, clientCaPem: clientCert } : undefined,
    onError: (err, path) => log.error('rpc failed', { rpc: path, error: scrub(err instanceof Error ? err.stack ?? err.message : String(err)) }),
  });
  const provider = rt.loadProvider();

  let shuttingDown = false;
  const exit = async (code: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    try {
      await provider.onShutdown?.();
    } catch (err) {
      log.warn('shutdown hook failed', { error: String(err) });
    }
    rmSync(socketDir, { recursive: true, force: true });
    // Terraform waits only 2 s after Shutdown before SIGKILL: close() is bounded well below that.
    setTimeout(() => process.exit(code), 500).unref();
    await server.close().catch(() => undefined);
    process.exit(code);
  };

  for (const name of Object.keys(providerMethods) as RpcName[]) {
    const handler = provider.handlers[name] as ((req: unknown, signal: AbortSignal) => Promise<unknown>) | undefined;
    if (!handler) continue;
    const codec = providerMethods[name] as unknown as {
      request: { decode(b: Uint8Array): unknown };
      response: { encode(v: unknown): Uint8Array };
    };
    server.handle(`/${PROVIDER_SERVICE}/${name}`, async (bytes, signal) => {
      const started = process.hrtime.bigint();
      const response = await handler(codec.request.decode(bytes), signal);
      log.trace('rpc served', { rpc: name, ms: Number(process.hrtime.bigint() - started) / 1e6 });
      return codec.response.encode(response);
    });
  }
  server.handle('/plugin.GRPCController/Shutdown', async () => {
    setImmediate(() => void exit(0));
    return Empty.encode({});
  });
  server.hold('/plugin.GRPCStdio/StreamStdio');
  server.handle('/grpc.health.v1.Health/Check', async (bytes) => {
    const req = HealthCheckRequest.decode(bytes);
    if (req.service !== '' && req.service !== 'plugin') throw new GrpcError(GrpcStatus.NOT_FOUND, `unknown service ${req.service}`);
    return HealthCheckResponse.encode({ status: 1 });
  });
  server.attach(listener);

  // Ctrl-C reaches the whole process group; Terraform itself decides when we stop (StopProvider,
  // then Shutdown), and dying mid-apply would leave half-created tenants.
  process.on('SIGINT', () => log.debug('SIGINT ignored: waiting for Terraform to shut the provider down'));
  onSigterm = () => void exit(0);
  watchParent(() => server.busy, () => {
    log.warn('Terraform went away; exiting');
    void exit(0);
  });
}

/**
 * If Terraform is killed (-9) we are re-parented and nobody will ever call Shutdown: finish the
 * calls in flight (so a create completes rather than stopping half-way), then leave.
 */
function watchParent(busy: () => number, leave: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    if (busy() === 0) {
      clearInterval(timer);
      leave();
    }
  }, 500);
  timer.unref();
}
