// Writes the provider docs (docs/index.md, docs/resources/*.md, docs/data-sources/*.md) from the
// provider's own schema and examples/, the way tfplugindocs does for Go providers.
//
//   node dist/provider/docs/generate.js            regenerate docs/ (only changed files are written)
//   node dist/provider/docs/generate.js --check    exit 1 naming every stale file; writes nothing
//   --root DIR                                     repository root (default: this checkout)
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { vmoodleProvider } from '../provider';
import { generateDocs, type GeneratedDocs } from './pages';

/** Folders whose *.md files all come from this generator: anything else there is stale. */
const MANAGED_DIRS = ['docs/resources', 'docs/data-sources'];

export function generateFor(root: string): GeneratedDocs {
  return generateDocs(vmoodleProvider, (rel) => {
    const file = join(root, 'examples', rel);
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  });
}

export interface Staleness {
  /** Relative paths, sorted, each with why it is stale. */
  problems: Array<{ path: string; reason: 'missing' | 'differs' | 'not generated' }>;
}

function orphans(root: string, expected: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const dir of MANAGED_DIRS) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs)) {
      const rel = `${dir}/${name}`;
      if (name.endsWith('.md') && !expected.has(rel)) out.push(rel);
    }
  }
  return out.sort();
}

export function checkDocs(root: string, docs: GeneratedDocs = generateFor(root)): Staleness {
  const problems: Staleness['problems'] = [];
  for (const [rel, content] of docs.files) {
    const abs = join(root, rel);
    if (!existsSync(abs)) problems.push({ path: rel, reason: 'missing' });
    else if (readFileSync(abs, 'utf8') !== content) problems.push({ path: rel, reason: 'differs' });
  }
  for (const rel of orphans(root, docs.files)) problems.push({ path: rel, reason: 'not generated' });
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { problems };
}

/** Writes what changed and removes pages of types that no longer exist; returns what it did, per path. */
export function writeDocs(root: string, docs: GeneratedDocs = generateFor(root)): string[] {
  const touched: string[] = [];
  for (const [rel, content] of docs.files) {
    const abs = join(root, rel);
    // Unchanged files are left alone so their mtimes (and editors, and make-style tools) stay quiet.
    if (existsSync(abs) && readFileSync(abs, 'utf8') === content) continue;
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    touched.push(`wrote ${rel}`);
  }
  for (const rel of orphans(root, docs.files)) {
    unlinkSync(join(root, rel));
    touched.push(`removed ${rel}`);
  }
  return touched;
}

function main(argv: string[]): number {
  let check = false;
  let root = join(__dirname, '..', '..', '..');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--check') check = true;
    else if (arg === '--root' && argv[i + 1] !== undefined) root = argv[++i]!;
    else {
      process.stderr.write(`generate-docs: unknown argument "${arg}"\nusage: generate.js [--check] [--root DIR]\n`);
      return 2;
    }
  }
  const docs = generateFor(root);
  for (const w of docs.warnings) process.stderr.write(`warning: ${w}\n`);
  if (check) {
    const { problems } = checkDocs(root, docs);
    if (problems.length === 0) {
      process.stdout.write(`docs are up to date (${docs.files.size} files)\n`);
      return 0;
    }
    process.stderr.write(`docs are stale; run "npm run generate:docs" and commit the result:\n`);
    for (const p of problems) process.stderr.write(`  ${p.path} (${p.reason})\n`);
    return 1;
  }
  const touched = writeDocs(root, docs);
  process.stdout.write(touched.length === 0 ? `docs are up to date (${docs.files.size} files)\n` : touched.map((t) => `${t}\n`).join(''));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
