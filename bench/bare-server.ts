// The baseline for the throughput comparison: a bare node:http server answering every request with
// one constant JSON body (the size of a real resolve answer). Run as its own process by the bench.
//   node dist/bench/bare-server.js PORT BODY_FILE
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const port = Number(process.argv[2]);
const body = Buffer.from(readFileSync(process.argv[3]!, 'utf8'));
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
