// The CSV dialect of VMoodle's nodelist files (cli/nodelist-dist.csv, clilib.php), read faithfully
// where that is harmless and fixed where VMoodle was broken:
// - `;` separates fields (VMoodle's configurable separator never worked; here it is an option);
// - lines starting with `(`, `[`, `-`, `#`, `/` or a space are comments, blank lines are skipped;
// - `&#44` inside a field stands for the separator;
// - the first other line is the header.
// Fixed: no 1024-byte line limit (VMoodle cut longer lines), UTF-8 read as UTF-8 (VMoodle
// double-encoded it) with a BOM tolerated, CRLF tolerated, one trailing separator tolerated.
// Every problem names the line, and the column when there is one.
import type { SpecIssue } from '../errors';

export interface CsvColumn {
  /** The header text as written (trimmed). */
  readonly name: string;
  /** 1-based. */
  readonly column: number;
}

export interface CsvRow {
  /** 1-based line number in the file. */
  readonly line: number;
  /** One trimmed cell per header column. */
  readonly cells: readonly string[];
}

export interface CsvTable {
  readonly source: string;
  readonly headerLine: number;
  readonly columns: readonly CsvColumn[];
  readonly rows: readonly CsvRow[];
}

export interface CsvOptions {
  /** Name used in error messages (the file name). */
  readonly source: string;
  /** Field separator, default `;`. */
  readonly separator?: string;
}

const COMMENT_START = new Set(['(', '[', '-', '#', '/', ' ']);

function splitCells(line: string, separator: string): string[] {
  return line.split(separator).map((cell) => cell.replace(/&#44/g, separator).trim());
}

export function parseCsv(text: string, opts: CsvOptions): { table?: CsvTable; issues: SpecIssue[] } {
  const separator = opts.separator ?? ';';
  const issues: SpecIssue[] = [];
  const at = (line: number, column?: number, columnName?: string) => ({ source: opts.source, line, column, columnName });
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: { line: number; columns: CsvColumn[] } | undefined;
  const rows: CsvRow[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || COMMENT_START.has(raw[0]!)) return;
    const cells = splitCells(raw, separator);
    if (!header) {
      const columns = cells.map((name, j) => ({ name, column: j + 1 }));
      if (columns.length > 1 && columns[columns.length - 1]!.name === '') columns.pop();
      const seen = new Map<string, number>();
      for (const c of columns) {
        const key = c.name.toLowerCase();
        if (c.name === '') issues.push({ location: at(line, c.column), message: 'the header has an empty column name' });
        else if (seen.has(key)) issues.push({ location: at(line, c.column, c.name), message: `column "${c.name}" appears twice (also column ${seen.get(key)})` });
        else seen.set(key, c.column);
      }
      header = { line, columns };
      return;
    }
    const width = header.columns.length;
    // A trailing separator (an empty last field beyond the header) is a common spreadsheet export artefact.
    if (cells.length === width + 1 && cells[width] === '') cells.pop();
    if (cells.length !== width) {
      const column = Math.min(cells.length, width) + 1;
      const what = cells.length > width ? 'too many' : 'too few';
      issues.push({
        location: at(line, column, header.columns[column - 1]?.name),
        message: `${what} fields: ${cells.length}, but the header (line ${header.line}) has ${width}${cells.length < width ? '' : ` (is there a "${separator}" inside a value? write it as &#44)`}`,
      });
      return;
    }
    rows.push({ line, cells });
  });
  if (!header) {
    issues.push({ location: { source: opts.source, line: Math.max(1, lines.length) }, message: 'no header line: the file is empty or has only comments' });
    return { issues };
  }
  return { table: { source: opts.source, headerLine: header.line, columns: header.columns, rows }, issues };
}
