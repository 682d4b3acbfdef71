// Non-TypeScript assets (JSON Schemas, the PHP include) live in the source tree and are not copied by
// tsc, so they are found relative to the repository root from both sidecar/*.ts and dist/sidecar/*.js.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

function repoRoot(): string {
  // dist/sidecar → ../..; sidecar (run from source) → ..
  const fromDist = join(__dirname, '..', '..');
  return existsSync(join(fromDist, 'sidecar', 'schemas')) ? fromDist : join(__dirname, '..');
}

const ROOT = repoRoot();

export function sidecarAsset(...parts: string[]): string {
  return join(ROOT, 'sidecar', ...parts);
}

/** Path of the PHP include that Moodle's config.php requires. */
export const PHP_INCLUDE_PATH = sidecarAsset('php', 'vmoodle.php');
