/**
 * Tabular data, one item per row, from `.npy` (2-D, or 1-D as one column) or CSV (comma
 * separated numbers; a first row with any non-numeric cell is a header). Missing or
 * non-finite values are errors that give the file, row and column: score models need every
 * value.
 */
import { extname } from 'node:path';
import { arraySource, type FiniteSource } from '../data/source.ts';
import { readBytes } from './binary-file.ts';
import { DataFileError } from './data-file-error.ts';
import { decodeNpy } from './npy.ts';

/** A numeric table, row-major. */
export interface Table {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
  /** Column names from a CSV header, when present. */
  readonly columns?: readonly string[];
}

/** Parses CSV text into a {@link Table}; `file` names it in errors. */
export function parseCsv(text: string, file = '<csv>'): Table {
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, cells: l.split(',').map(unquote) }));
  const rows = lines.filter((l) => l.cells.some((c) => c !== ''));
  if (rows.length === 0) throw new DataFileError(file, 'empty CSV file');
  const header = rows[0]!.cells.some(isLabel) ? rows.shift()!.cells : undefined;
  if (header !== undefined && rows.length === 0)
    throw new DataFileError(file, 'CSV file has a header but no data rows');
  const cols = header?.length ?? rows[0]!.cells.length;
  const data = new Float32Array(rows.length * cols);
  rows.forEach(({ line, cells }, r) => {
    if (cells.length !== cols)
      throw new DataFileError(file, `line ${line} has ${cells.length} columns, expected ${cols}`);
    cells.forEach((c, j) => {
      if (!isNumeric(c)) {
        const what =
          c === '' || /^nan$/i.test(c)
            ? 'a missing value (NaN)'
            : `not a number: ${JSON.stringify(c)}`;
        throw new DataFileError(
          file,
          `line ${line}, column ${j + 1}${header ? ` (${header[j]})` : ''}: ${what}`,
        );
      }
      data[r * cols + j] = Number(c);
    });
  });
  return { rows: rows.length, cols, data, ...(header === undefined ? {} : { columns: header }) };
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/** A header cell: text that is neither a number nor a missing value. */
function isLabel(cell: string): boolean {
  return cell !== '' && !/^nan$/i.test(cell) && !isNumeric(cell);
}

function isNumeric(cell: string): boolean {
  return cell !== '' && Number.isFinite(Number(cell));
}

/** Converts a decoded `.npy` array into a {@link Table}, rejecting NaN and infinities. */
export function npyTable(bytes: Uint8Array, file: string): Table {
  const a = decodeNpy(bytes, file);
  if (a.shape.length !== 1 && a.shape.length !== 2) {
    throw new DataFileError(
      file,
      `tabular .npy must be 1-D or 2-D [rows, columns], got shape [${a.shape}]`,
    );
  }
  const [rows, cols] = [a.shape[0]!, a.shape[1] ?? 1];
  const data = Float32Array.from(a.data);
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i]!)) {
      throw new DataFileError(
        file,
        `row ${Math.floor(i / cols)}, column ${i % cols}: ${a.data[i]} (values must be finite)`,
      );
    }
  }
  return { rows, cols, data };
}

/** Reads a `.npy` or `.csv` table. */
export async function readTable(path: string): Promise<Table> {
  const bytes = await readBytes(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return npyTable(bytes, path);
  if (ext === '.csv') return parseCsv(new TextDecoder().decode(bytes), path);
  throw new DataFileError(path, `unsupported tabular format "${ext}"; use .npy or .csv`);
}

/** A table file as a finite source of `[columns]` rows; the range is the data's min and max. */
export async function tabularSource(path: string): Promise<FiniteSource> {
  const t = await readTable(path);
  if (t.rows === 0 || t.cols === 0) throw new DataFileError(path, 'table has no values');
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of t.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return arraySource(`tabular ${path}`, t.data, [t.cols], [lo, hi]);
}
