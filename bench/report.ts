/** Shared output of every benchmark: a printed table and a JSON file under bench/results/. */
import * as path from 'path';
import * as os from 'os';
import { writeJsonAtomic } from 'spikesplit';

export type Row = Record<string, string | number | boolean | null>;

export function printTable(rows: Row[]): void {
  if (rows.length === 0) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Row[string] | undefined) =>
    v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(widths[i])).join('  ');
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

/** Writes bench/results/<name>.json (relative to the project root) with the machine it ran on. */
export function writeResult(name: string, result: Record<string, unknown>): string {
  const file = path.resolve(__dirname, '..', '..', 'bench', 'results', `${name}.json`);
  writeJsonAtomic(file, {
    bench: name,
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    ...result,
  });
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
  return file;
}
