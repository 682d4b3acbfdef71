// The load process: forked by a test, it sends /v1/resolve lookups to the sidecar over its unix
// socket with a fixed number in flight, checks every answer against what the test says it must be,
// and reports figures per phase. It runs in its own process so the sidecar under test competes with
// a real client for the CPU, and so a kill -9 of the sidecar cannot take the client down with it.
// Bounded: it stops by itself after maxRequests or maxMs, whichever comes first.
import { Pool } from 'undici';
import { emptyFigures, type Figures, type FromLoad, type LoadCase, type LoadReport, type LoadStart, type ToLoad } from './load-protocol';

function send(msg: FromLoad): void {
  process.send?.(msg);
}

function resolvePath(c: LoadCase): string {
  const q = new URLSearchParams({ host: c.host });
  if (c.path !== undefined) q.set('path', c.path);
  return `/v1/resolve?${q.toString()}`;
}

interface Outcome {
  kind: 'correct' | 'wrong' | 'failed';
  /** For a failure: whether the server answered 503 not_ready (a sidecar still loading). */
  notReady?: boolean;
  detail?: string;
}

async function one(pool: Pool, c: LoadCase, timeoutMs: number, token: string | undefined): Promise<Outcome> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  try {
    const res = await pool.request({ method: 'GET', path: resolvePath(c), headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const text = await res.body.text();
    const status = res.statusCode;
    if (status >= 500) {
      const notReady = status === 503 && text.includes('"not_ready"');
      return { kind: 'failed', notReady, detail: `${status} for ${JSON.stringify(c.host)}` };
    }
    if (status !== c.expect.status) return { kind: 'wrong', detail: `${status} instead of ${c.expect.status} for ${JSON.stringify(c.host)}` };
    if (c.expect.status === 200) {
      let body: { key?: unknown; dbname?: unknown };
      try {
        body = JSON.parse(text) as { key?: unknown; dbname?: unknown };
      } catch {
        return { kind: 'wrong', detail: `unparsable 200 body for ${JSON.stringify(c.host)}` };
      }
      if (body.key !== c.expect.key || body.dbname !== c.expect.dbname) {
        return { kind: 'wrong', detail: `${JSON.stringify(c.host)} answered ${String(body.key)}/${String(body.dbname)}` };
      }
    }
    return { kind: 'correct' };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { kind: 'failed', detail: `${e.code ?? 'error'}: ${e.message ?? String(err)}` };
  }
}

async function run(start: LoadStart): Promise<void> {
  const pool = new Pool('http://localhost', { socketPath: start.socketPath, connections: start.concurrency, pipelining: 1, connectTimeout: start.timeoutMs });
  const phases: Record<string, Figures> = {};
  const samples: string[] = [];
  let phase = 'start';
  let stopping: LoadReport['stoppedBy'] | null = null;
  const started = Date.now();
  const deadline = started + start.maxMs;
  let sent = 0;
  let next = 0;

  process.on('message', (raw: ToLoad) => {
    if (raw.type === 'phase') {
      phase = raw.name;
      send({ type: 'phase-ack', name: raw.name });
    } else if (raw.type === 'stop') {
      stopping ??= 'stop';
    }
  });

  const worker = async (): Promise<void> => {
    while (stopping === null) {
      if (sent >= start.maxRequests) {
        stopping = 'maxRequests';
        break;
      }
      if (Date.now() >= deadline) {
        stopping = 'maxMs';
        break;
      }
      if (start.maxRate > 0) {
        const wait = started + (sent / start.maxRate) * 1000 - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (stopping !== null) break;
      }
      const c = start.cases[next++ % start.cases.length]!;
      sent++;
      // A failure counts as `unavailable` only if the phase was a "down:" one when the request was
      // sent or when it ended: the test announces a kill, and waits for the ack, before it kills.
      const at = phase;
      const f = (phases[at] ??= emptyFigures());
      f.sent++;
      const o = await one(pool, c, start.timeoutMs, start.token);
      const now = phase;
      const down = at.startsWith('down:') || now.startsWith('down:');
      const g = phases[at]!;
      if (o.kind === 'correct') g.correct++;
      else if (o.kind === 'wrong') {
        g.wrong++;
        if (samples.length < 10) samples.push(`[${at}] wrong: ${o.detail}`);
      } else if (down) {
        g.unavailable++;
      } else {
        g.errors++;
        if (samples.length < 10) samples.push(`[${at}] error: ${o.detail}`);
      }
      if (o.kind === 'failed') await new Promise((r) => setTimeout(r, 5)); // no hot loop against a dead socket
    }
  };
  send({ type: 'ready' });
  await Promise.all(Array.from({ length: start.concurrency }, worker));
  await pool.destroy().catch(() => undefined);
  send({ type: 'report', phases, samples, stoppedBy: stopping ?? 'stop' });
}

process.once('message', (raw: ToLoad) => {
  if (raw.type !== 'start') {
    process.exit(2);
  }
  run(raw).then(
    () => process.disconnect?.(),
    (err: unknown) => {
      process.stderr.write(`load client failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
});
