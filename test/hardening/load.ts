// The test's side of the load process: fork it, label phases (waiting for the ack, so a failure is
// attributed to the right phase), stop it and collect the report.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FromLoad, LoadReport, LoadStart, PhaseAck } from './load-protocol';

export class LoadProcess {
  private readonly child: ChildProcess;
  private readonly report: Promise<LoadReport>;
  private acks = new Map<string, () => void>();
  private stderr = '';

  constructor(start: Omit<LoadStart, 'type'>) {
    this.child = fork(join(__dirname, 'load-client.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.report = new Promise<LoadReport>((resolve, reject) => {
      this.child.on('message', (msg: FromLoad) => {
        if (msg.type === 'report') resolve(msg);
        else if (msg.type === 'phase-ack') this.ackOf(msg);
      });
      this.child.once('exit', (code) => reject(new Error(`load process exited (${code}) without a report: ${this.stderr}`)));
    });
    // The report may never be awaited if a test fails early; keep that from becoming unhandled.
    this.report.catch(() => undefined);
    this.child.send({ type: 'start', ...start } satisfies LoadStart);
  }

  get pid(): number {
    return this.child.pid!;
  }

  private ackOf(msg: PhaseAck): void {
    this.acks.get(msg.name)?.();
    this.acks.delete(msg.name);
  }

  /** Labels what follows; resolves once the load process has switched. */
  phase(name: string): Promise<void> {
    if (!this.child.connected) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.acks.set(name, resolve);
      this.child.send({ type: 'phase', name });
    });
  }

  async stop(): Promise<LoadReport> {
    if (this.child.connected) this.child.send({ type: 'stop' });
    return this.report;
  }

  /** For after hooks: by pid, whatever state it is in. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
