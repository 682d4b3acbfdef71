// Provider process start → go-plugin handshake line, exactly as Terraform starts it (the installed
// launcher, the magic cookie, a client certificate so the server builds its mTLS certificate),
// against the floor: a bare `node -e` that prints one line. Also start → first GetProviderSchema
// answered over mutual TLS, which is what Terraform really waits for before it can go on. Runs
// alternate (floor, provider, …) so both see the same machine load; the figures are medians.
import { spawn } from 'node:child_process';
import { connect as h2connect } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installProvider } from '../cli/provider-install';
import { createServerCertificate } from '../provider/plugin/tls-cert';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../provider/plugin/serve';
import { log, median } from './common';

interface ClientIdentity {
  certPem: string;
  keyPem: string;
}
import type { Report } from './report';

/** ms from spawn to the first line on stdout; the process is then stopped and awaited. */
function timeToFirstLine(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let elapsed: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      if (elapsed === undefined && d.includes(0x0a)) {
        elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
        // The provider leaves on SIGTERM (removing its socket folder); wait for it so runs never overlap.
        child.kill('SIGTERM');
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      if (elapsed === undefined) reject(new Error(`${cmd} exited before printing a line`));
      else resolve(elapsed);
    });
  });
}

/** base64 DER without padding (the handshake's 6th field) → PEM. */
function pemOf(field: string): string {
  const b64 = Buffer.from(field, 'base64').toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** One unary call the way go-plugin's client makes it: h2 over mutual TLS on the unix socket. */
function unaryCall(socketPath: string, serverCertPem: string, client: ClientIdentity, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = h2connect('https://localhost', {
      createConnection: () => tlsConnect({ path: socketPath, servername: 'localhost', ca: serverCertPem, cert: client.certPem, key: client.keyPem, ALPNProtocols: ['h2'] }),
    });
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    let bytes = 0;
    let status: string | undefined;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('trailers', (t) => (status = String(t['grpc-status'])));
    req.on('error', reject);
    req.on('end', () => {
      session.close();
      if (status !== '0') reject(new Error(`${path}: grpc-status ${status}`));
      else resolve(bytes);
    });
    req.end(Buffer.alloc(5)); // one empty message: flag 0, length 0
  });
}

/** ms from spawn to GetProviderSchema answered; then Shutdown, as Terraform does, and wait for the exit. */
function timeToSchema(executable: string, env: NodeJS.ProcessEnv, client: ClientIdentity): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(executable, [], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let line = '';
    let elapsed: number | undefined;
    let failure: unknown;
    child.stdout.on('data', (d: Buffer) => {
      if (line.endsWith('\n')) return;
      line += d.toString();
      if (!line.endsWith('\n')) return;
      const [, , , socketPath, , certField] = line.trim().split('|');
      const serverCert = pemOf(certField!);
      unaryCall(socketPath!, serverCert, client, '/tfplugin6.Provider/GetProviderSchema')
        .then((bytes) => {
          if (bytes < 100) throw new Error('GetProviderSchema answer is too small');
          elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
          return unaryCall(socketPath!, serverCert, client, '/plugin.GRPCController/Shutdown');
        })
        .catch((err: unknown) => {
          failure = err;
          child.kill('SIGTERM');
        });
    });
    child.once('exit', () => {
      clearTimeout(timer);
      if (elapsed === undefined) reject(failure instanceof Error ? failure : new Error('provider exited before answering GetProviderSchema'));
      else resolve(elapsed);
    });
  });
}

export async function runStartupBench(report: Report, opts: { quick: boolean }): Promise<void> {
  const runs = opts.quick ? 5 : 21;
  const mirror = mkdtempSync(join(tmpdir(), 'vmoodle-bench-mirror-'));
  try {
    const { executable } = installProvider({ dir: mirror });
    // Terraform's AutoMTLS client identity; any self-signed certificate the provider can pin will do.
    const client = createServerCertificate();
    const base = { PATH: process.env.PATH ?? '', HOME: mirror };
    const providerEnv = {
      ...base,
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: '5,6',
      PLUGIN_MIN_PORT: '10000',
      PLUGIN_MAX_PORT: '25000',
      PLUGIN_CLIENT_CERT: client.certPem,
    };
    log(`startup: ${runs} alternating starts of bare node and of the provider (launcher ${executable}) …`);
    // One untimed start of each first: the first run after a build pays for a cold page cache.
    await timeToFirstLine(process.execPath, ['-e', 'process.stdout.write("ready\\n")'], base);
    await timeToFirstLine(executable, [], providerEnv);
    const bare: number[] = [];
    const provider: number[] = [];
    const schema: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(await timeToFirstLine(process.execPath, ['-e', 'process.stdout.write("ready\\n")'], base));
      provider.push(await timeToFirstLine(executable, [], providerEnv));
      schema.push(await timeToSchema(executable, providerEnv, client));
    }
    report.add('scale', {
      id: 'provider-start-to-handshake',
      label: 'provider start → handshake',
      unit: 'ms',
      value: median(provider)!,
      floor: { label: 'bare `node -e` start → first line', value: median(bare)! },
      target: { on: 'ratio', bound: 'max', limit: 1.5 },
      stat: `median of ${runs}`,
      samples: provider,
      floorSamples: bare,
    });
    report.add('scale', {
      id: 'provider-start-to-schema',
      label: 'provider start → GetProviderSchema answered (mTLS)',
      unit: 'ms',
      value: median(schema)!,
      floor: { label: 'bare `node -e` start → first line', value: median(bare)! },
      stat: `median of ${runs}`,
      samples: schema,
      note: 'what Terraform waits for per provider process: handshake, TLS, modules, the schema',
    });
  } finally {
    rmSync(mirror, { recursive: true, force: true });
  }
}
