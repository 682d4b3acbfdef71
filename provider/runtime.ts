// Everything the provider process needs after the go-plugin handshake line is out: the gRPC server,
// the protobuf codecs, the logger and the provider itself. It is one module so that it can be one
// file: scripts/bundle-provider.js bundles it (dist/provider/bundle.js) and launch.ts runs that with
// a V8 code cache. What runs before the handshake (start.ts, plugin/serve.ts, the certificate) stays
// small and separate, so the line goes out before any of this is even parsed.
import { createHandlers } from './framework/server';
import { vmoodleProvider } from './provider';
import type { LoadedProvider } from './plugin/serve';

export * as grpc from './plugin/grpc-server';
export * as tfplugin6 from './plugin/proto/tfplugin6';
export * as goPlugin from './plugin/proto/go-plugin';
export { log, scrub } from './plugin/log';

export function loadProvider(): LoadedProvider {
  const { handlers, shutdown } = createHandlers(vmoodleProvider);
  return { handlers, onShutdown: shutdown };
}
