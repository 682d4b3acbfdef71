// Starts terraform-provider-vmoodle: the handshake first, then the runtime (see runtime.ts), which
// the caller loads: main.ts from the plain tsc output, launch.ts from the bundle when it is current.
import { serve, HandshakeError, type ProviderRuntime } from './plugin/serve';

export function startProvider(loadRuntime: () => ProviderRuntime): void {
  // stdout carries the go-plugin handshake: anything printed before it breaks Terraform's parser.
  console.log = console.error;
  console.info = console.error;

  process.on('uncaughtException', (err) => {
    // go-plugin surfaces stderr lines starting with "panic: " to the user when the plugin dies.
    process.stderr.write(`panic: ${err.stack ?? err.message}\n`);
    process.exit(2);
  });

  serve({ runtime: loadRuntime }).catch((err: unknown) => {
    if (err instanceof HandshakeError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    process.stderr.write(`panic: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(2);
  });
}
