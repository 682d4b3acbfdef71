// Entry point of terraform-provider-vmoodle. Modules that need databases are loaded lazily by the
// resources, so the process reaches the handshake quickly (Terraform starts it 3-5 times a command).
import { serve, HandshakeError } from './plugin/serve';
import { createHandlers } from './framework/server';
import { vmoodleProvider } from './provider';

// stdout carries the go-plugin handshake: anything printed before it breaks Terraform's parser.
console.log = console.error;
console.info = console.error;

const { handlers, shutdown } = createHandlers(vmoodleProvider);

process.on('uncaughtException', (err) => {
  // go-plugin surfaces stderr lines starting with "panic: " to the user when the plugin dies.
  process.stderr.write(`panic: ${err.stack ?? err.message}\n`);
  process.exit(2);
});

serve({ handlers, onShutdown: shutdown }).catch((err: unknown) => {
  if (err instanceof HandshakeError) {
    process.stderr.write(err.message + '\n');
    process.exit(1);
  }
  process.stderr.write(`panic: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(2);
});
