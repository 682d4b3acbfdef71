// Bounded load generator, run as a separate process so that it does not share an event loop with the
// server under test: `connections` keep-alive connections (undici Pool), a fixed number of requests
// cycling through the given paths, after a warm-up. Prints one JSON line.
//   node dist/bench/load.js ORIGIN PATHS_JSON CONNECTIONS REQUESTS WARMUP
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

async function main(): Promise<void> {
  const [origin, pathsFile, connText, reqText, warmText] = process.argv.slice(2);
  const paths = JSON.parse(readFileSync(pathsFile!, 'utf8')) as string[];
  const connections = Number(connText);
  const total = Number(reqText);
  const warmup = Number(warmText);
  const pool = new Pool(origin!, { connections, pipelining: 1 });
  const statuses: Record<number, number> = {};
  let next = 0;
  const run = async (limit: number, count: boolean): Promise<void> => {
    while (next < limit) {
      const i = next++;
      const res = await pool.request({ method: 'GET', path: paths[i % paths.length]! });
      await res.body.text();
      if (count) statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, () => run(warmup, false)));
  next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, () => run(total, true)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await pool.close();
  process.stdout.write(JSON.stringify({ requests: total, seconds, rps: total / seconds, statuses }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
