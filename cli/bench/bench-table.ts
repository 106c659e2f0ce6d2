/**
 * The final table of `klog bench`: one figure per row, in three aligned columns (METRIC, VALUE, UNIT), values
 * right-aligned with thousands separators so that magnitudes line up. One row per figure keeps the table
 * narrow enough for a terminal and for pasting into notes, however many figures a benchmark reports.
 */

export interface BenchRow {
  metric: string;
  /** Null is shown as "-" (for example a percentile of a run without samples). */
  value: number | null;
  unit: string;
  /** Decimal places; default 0. */
  digits?: number;
}

export const BENCH_TABLE_COLUMNS = ['METRIC', 'VALUE', 'UNIT'] as const;

export function formatFigure(value: number | null, digits = 0): string {
  if (value === null || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The table as text, one line per row after the header line, ending with a newline. */
export function renderBenchTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((row) => [row.metric, formatFigure(row.value, row.digits), row.unit] as const);
  const [metricHeader, valueHeader, unitHeader] = BENCH_TABLE_COLUMNS;
  const metricWidth = Math.max(metricHeader.length, ...cells.map(([metric]) => metric.length));
  const valueWidth = Math.max(valueHeader.length, ...cells.map(([, value]) => value.length));
  const line = (metric: string, value: string, unit: string) =>
    `${metric.padEnd(metricWidth)}  ${value.padStart(valueWidth)}  ${unit}`.trimEnd();
  return `${[line(metricHeader, valueHeader, unitHeader), ...cells.map((cell) => line(...cell))].join('\n')}\n`;
}
