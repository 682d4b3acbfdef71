// Open-loop latency probe, run as its own process (so it never shares an event loop with the server
// under test): requests are sent on a fixed schedule (RATE per second, spread over CONNECTIONS
// keep-alive connections), whatever the answers do, so a server that stalls for 200 ms shows a queue
// of slow requests instead of hiding them behind one (no coordinated omission).
// Bounded: stops at MAX_SECONDS or MAX_REQUESTS, or earlier when "stop" arrives on stdin.
// Prints one JSON line: { samples: [[sentEpochMs, latencyUs, generation], …], statuses, lagUs }.
//   node dist/bench/latency-load.js ORIGIN PATHS_JSON CONNECTIONS RATE MAX_SECONDS MAX_REQUESTS
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

async function main(): Promise<void> {
  const [origin, pathsFile, connText, rateText, secondsText, maxText] = process.argv.slice(2);
  const paths = JSON.parse(readFileSync(pathsFile!, 'utf8')) as string[];
  const connections = Number(connText);
  const rate = Number(rateText);
  const maxMs = Number(secondsText) * 1000;
  const maxRequests = Number(maxText);
  if (!(connections > 0 && rate > 0 && maxMs > 0 && maxRequests > 0)) throw new Error('bad arguments');

  const pool = new Pool(origin!, { connections, pipelining: 1 });
  const samples: Array<[number, number, number]> = [];
  const statuses: Record<number, number> = {};
  const lag: number[] = [];
  let stopping = false;
  process.stdin.on('data', (d: Buffer) => {
    if (d.toString().includes('stop')) stopping = true;
  });
  process.stdin.on('end', () => (stopping = true));

  // performance.timeOrigin + now() is an epoch in ms with sub-ms precision, comparable across processes.
  const epochNow = (): number => performance.timeOrigin + performance.now();
  const t0 = epochNow();
  let sent = 0;
  let inFlight = 0;
  const fire = (i: number, scheduled: number): void => {
    inFlight++;
    // Latency counts from the moment the request is handed to the pool: a stalled server still shows
    // (requests queue behind its busy connections), but this process's own lateness under machine
    // load does not; that lateness is reported separately as `lagUs`.
    const sentAt = epochNow();
    lag.push((sentAt - scheduled) * 1000);
    pool
      .request({ method: 'GET', path: paths[i % paths.length]! })
      .then(async (res) => {
        await res.body.text();
        const generation = Number(res.headers['x-vmoodle-generation'] ?? -1);
        samples.push([sentAt, (epochNow() - sentAt) * 1000, generation]);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      })
      .catch(() => {
        statuses[0] = (statuses[0] ?? 0) + 1;
      })
      .finally(() => inFlight--);
  };
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = epochNow();
      if (stopping || now - t0 >= maxMs || sent >= maxRequests) {
        resolve();
        return;
      }
      const due = Math.min(maxRequests, Math.floor(((now - t0) * rate) / 1000));
      while (sent < due) {
        fire(sent, t0 + (sent * 1000) / rate);
        sent++;
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  // Let the requests in flight finish (bounded), then report.
  const deadline = Date.now() + 10_000;
  while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await pool.destroy();
  lag.sort((a, b) => a - b);
  const lagUs = { p50: lag[lag.length >> 1] ?? 0, p99: lag[Math.floor(lag.length * 0.99)] ?? 0, max: lag[lag.length - 1] ?? 0 };
  // Exit explicitly: stdin (the stop channel) would otherwise keep the process alive.
  process.stdout.write(JSON.stringify({ samples, statuses, lagUs }) + '\n', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
