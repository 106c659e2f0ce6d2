import { describe, expect, it } from 'vitest';
import { progressText } from '../../../../cli/bench/progress-text.js';

describe('progressText', () => {
  it('shows the count against its target, average rates and the time', () => {
    expect(
      progressText({ verb: 'stored', records: 50_000, bytes: 5_000_000, seconds: 2, targetRecords: 100_000 }),
    ).toBe('stored 50,000 / 100,000 records  25,000 records/s  2.50 MB/s  2.0 s');
  });

  it('shows the time against the planned duration when there is no record target', () => {
    expect(progressText({ verb: 'read', records: 0, bytes: 0, seconds: 0, targetSeconds: 30 })).toBe(
      'read 0 records  0 records/s  0.00 MB/s  0.0 / 30 s',
    );
  });
});
