import { describe, expect, it } from 'vitest';
import { formatFigure, renderBenchTable } from '../../../../cli/bench/bench-table.js';

describe('renderBenchTable', () => {
  it('aligns metrics left, values right with thousands separators, and units left', () => {
    const table = renderBenchTable([
      { metric: 'records', value: 1_000_000, unit: 'records' },
      { metric: 'throughput', value: 98.123, unit: 'MB/s', digits: 2 },
      { metric: 'send latency p999', value: null, unit: 'ms', digits: 1 },
    ]);
    expect(table).toBe(
      [
        'METRIC                 VALUE  UNIT',
        'records            1,000,000  records',
        'throughput             98.12  MB/s',
        'send latency p999          -  ms',
        '',
      ].join('\n'),
    );
  });

  it('formats figures with fixed decimals, and non-numbers as "-"', () => {
    expect(formatFigure(1234.5, 1)).toBe('1,234.5');
    expect(formatFigure(0.004, 2)).toBe('0.00');
    expect(formatFigure(Number.NaN)).toBe('-');
  });
});
