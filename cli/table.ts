/**
 * Plain aligned tables, as Kafka's console tools print them: an upper-case header row (Kafka's column names,
 * such as PARTITION and LATEST-OFFSET), then one row per item, columns separated by at least two spaces. No
 * borders or colours, so `awk '{print $3}'` and `column -t` work on the output.
 */
export type Cell = string | number | bigint;

export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...lines.map((line) => String(line[column] ?? '').length)));
  return lines
    .map((line) =>
      line
        .map((cell, column) => (column === line.length - 1 ? String(cell) : String(cell).padEnd(widths[column] ?? 0)))
        .join('  '),
    )
    .join('\n');
}
