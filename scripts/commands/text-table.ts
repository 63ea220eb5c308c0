/** A table for the terminal: every column as wide as its widest cell; numbers (with a unit sign: %, x) right-aligned, text left-aligned. */
const NUMBER = /^[-+]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?[%x]?$/;

export function printColumns(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((row) => NUMBER.test(row[i]) || row[i] === '-'));
  for (const row of [head, ...rows])
    console.log(
      row
        .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    );
}

/** Table rows as `printColumns` prints them: the first row's keys as the head, every cell as text. */
export function printRecords(rows: readonly Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const head = Object.keys(rows[0]);
  printColumns(
    head,
    rows.map((r) => head.map((k) => String(r[k] ?? ''))),
  );
}
