// Entry point of terraform-provider-vmoodle (the plain tsc output; the installed launcher runs
// launch.ts, which prefers the one-file bundle). The handshake line goes out before the provider's
// own modules load: Terraform starts this process 3-5 times a command and waits for that line each
// time. Modules that need databases load later still, on first use by the resources.
import { startProvider } from './start';
import type { ProviderRuntime } from './plugin/serve';

// eslint-disable-next-line @typescript-eslint/no-require-imports
startProvider(() => require('./runtime') as ProviderRuntime);
