// go-plugin's side of the contract with Terraform: check the magic cookie, listen on a fresh unix
// socket with mutual TLS, print the one handshake line on stdout, serve the provider and the small
// go-plugin services, and leave promptly when told to (GRPCController.Shutdown) or when orphaned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnaryGrpcServer, GrpcError, GrpcStatus } from './grpc-server';
import { createServerCertificate } from './tls-cert';
import { log, scrub } from './log';
import { providerMethods, PROVIDER_SERVICE, type RpcName, type RequestOf, type ResponseOf } from './proto/tfplugin6';
import { Empty, HealthCheckRequest, HealthCheckResponse } from './proto/go-plugin';

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

export type ProviderHandlers = {
  [K in RpcName]?: (request: RequestOf<K>, signal: AbortSignal) => Promise<ResponseOf<K>>;
};

export interface ServeOptions {
  handlers: ProviderHandlers;
  env?: NodeJS.ProcessEnv;
  /** Called once before the process exits, e.g. to close database pools. */
  onShutdown?: () => Promise<void>;
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

export async function serve(opts: ServeOptions): Promise<void> {
  const env = opts.env ?? process.env;
  checkEnvironment(env);

  const clientCert = env.PLUGIN_CLIENT_CERT;
  const cert = clientCert ? createServerCertificate() : undefined;
  const server = new UnaryGrpcServer({
    tls: cert && clientCert ? { certPem: cert.certPem, keyPem: cert.keyPem, clientCaPem: clientCert } : undefined,
    onError: (err, path) => log.error('rpc failed', { rpc: path, error: scrub(err instanceof Error ? err.stack ?? err.message : String(err)) }),
  });

  let shuttingDown = false;
  const socketDir = mkdtempSync(join(env.PLUGIN_UNIX_SOCKET_DIR || tmpdir(), 'vmtf-'));
  const socketPath = join(socketDir, 'p.sock');
  const exit = async (code: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    try {
      await opts.onShutdown?.();
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
    const handler = opts.handlers[name] as ((req: unknown, signal: AbortSignal) => Promise<unknown>) | undefined;
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

  await server.listen({ path: socketPath });

  // Ctrl-C reaches the whole process group; Terraform itself decides when we stop (StopProvider,
  // then Shutdown), and dying mid-apply would leave half-created tenants.
  process.on('SIGINT', () => log.debug('SIGINT ignored: waiting for Terraform to shut the provider down'));
  process.on('SIGTERM', () => void exit(0));
  watchParent(() => server.busy, () => void exit(0));

  const handshake = ['1', '6', 'unix', socketPath, 'grpc', cert?.handshakeField ?? ''].join('|');
  process.stdout.write(handshake + '\n');
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
      log.warn('Terraform went away; exiting');
      leave();
    }
  }, 500);
  timer.unref();
}
