// One private MariaDB per test file: started in a temp folder, stopped by pid and removed after.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMariaDb, stopMariaDb, type MariaDbServer } from '../../lib/mariadb-server';

export type { MariaDbServer };

export async function withPrivateMariaDb(): Promise<{ server: MariaDbServer; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'vmoodle-db-'));
  const server = await startMariaDb({ dir });
  return { server, stop: () => stopMariaDb(server, { remove: true }) };
}

/** Path of the Moodle schema fixture shipped in ../shared (a fresh 5.1 site at https://moodle.example.test). */
export function moodleFixturePath(): string {
  return join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'moodle-core-subset.sql');
}
