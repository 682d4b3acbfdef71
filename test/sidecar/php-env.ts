// A stand-in Moodle code base for the PHP include: config.php variants that require
// sidecar/php/vmoodle.php and print the resulting $CFG as JSON, a router for `php -S`, and a CLI
// script. Used by php.test.ts and the bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PHP_INCLUDE } from './helpers';

/** A PHP single-quoted literal (same rule as sidecar/php-map.ts). */
function lit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export interface ConfigVariant {
  map: string;
  socket?: string;
  url?: string;
  token?: string;
}

/**
 * Writes <dir>/config-<name>.php for each variant, <dir>/router.php (picks the variant from ?cfg=)
 * and <dir>/cli.php (CLI entry, variant from argv[1]).
 */
export function writeMoodleStandIn(dir: string, variants: Record<string, ConfigVariant>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, v] of Object.entries(variants)) {
    const lines = [
      '<?php',
      '// Stand-in for Moodle config.php: static settings, then the vmoodle include, then (here) a dump',
      '// of $CFG instead of lib/setup.php.',
      'unset($CFG);',
      'global $CFG;',
      '$CFG = new stdClass();',
      '$CFG->dirroot = __DIR__;',
      "$CFG->dboptions = ['dbcollation' => 'utf8mb4_unicode_ci', 'dbport' => 9999, 'dbpersist' => 0];",
      `$CFG->vmoodle_map = ${lit(v.map)};`,
      v.socket !== undefined ? `$CFG->vmoodle_socket = ${lit(v.socket)};` : '',
      v.url !== undefined ? `$CFG->vmoodle_url = ${lit(v.url)};` : '',
      v.token !== undefined ? `$CFG->vmoodle_token = ${lit(v.token)};` : '',
      '$CFG->vmoodle_timeout_ms = 500;',
      `require ${lit(PHP_INCLUDE)};`,
      'if (PHP_SAPI !== "cli") { header("Content-Type: application/json"); }',
      'echo json_encode($CFG), "\\n";',
    ];
    writeFileSync(join(dir, `config-${name}.php`), lines.filter(Boolean).join('\n') + '\n');
  }
  const names = Object.keys(variants).map(lit).join(', ');
  writeFileSync(
    join(dir, 'router.php'),
    [
      '<?php',
      `$cfg = isset($_GET['cfg']) ? $_GET['cfg'] : 'map';`,
      `if (!in_array($cfg, [${names}], true)) { http_response_code(500); exit; }`,
      `require __DIR__ . '/config-' . $cfg . '.php';`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'cli.php'),
    [
      '<?php',
      "define('CLI_SCRIPT', true);",
      `$cfg = isset($argv[1]) ? $argv[1] : 'map';`,
      `if (!in_array($cfg, [${names}], true)) { fwrite(STDERR, "bad variant\\n"); exit(9); }`,
      `require __DIR__ . '/config-' . $cfg . '.php';`,
      '',
    ].join('\n'),
  );
}

export interface PhpServer {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  stop(): Promise<void>;
}

export async function startPhpServer(docroot: string, port: number, extraArgs: string[] = []): Promise<PhpServer> {
  const child = spawn('php', [...extraArgs, '-S', `127.0.0.1:${port}`, '-t', docroot, join(docroot, 'router.php')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', PHP_CLI_SERVER_WORKERS: '1' },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`php -S did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exit;
      }
    },
  };
}
