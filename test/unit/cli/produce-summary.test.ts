import { describe, expect, it } from 'vitest';
import { describeFailure, ProduceTally } from '../../../cli/produce-summary.js';
import { KlogError } from '../../../sdk/errors.js';

describe('ProduceTally', () => {
  it('keeps per partition the records and the first and last offsets, whatever order sends settle in', () => {
    const tally = new ProduceTally('orders');
    tally.stored(1, '10', 5);
    tally.stored(0, '0', 2);
    tally.stored(1, '3', 2);
    expect(tally.summary()).toEqual({
      topic: 'orders',
      createdTopic: false,
      records: 9,
      failed: 0,
      partitions: [
        { partition: 0, records: 2, firstOffset: '0', lastOffset: '1' },
        { partition: 1, records: 7, firstOffset: '3', lastOffset: '14' },
      ],
      errors: [],
    });
    expect(tally.describe()).toEqual([
      'produced 9 records to topic "orders" (partition 0: 2 records, offsets 0 to 1; partition 1: 7 records, offsets 3 to 14)',
    ]);
  });

  it('says "offset" for one record and leaves counts out for one partition', () => {
    const tally = new ProduceTally('t');
    tally.stored(0, '4', 1);
    expect(tally.describe()).toEqual(['produced 1 record to topic "t" (partition 0: offset 4)']);
  });

  it('counts failures, keeps the first error, and keeps only the first notes', () => {
    const tally = new ProduceTally('t', 2);
    const first = new KlogError('INVALID_ARGUMENT', 'Line 1 was not produced: bad.');
    expect(tally.failure(1, first, 1)).toEqual({
      line: 1,
      records: 1,
      code: 'INVALID_ARGUMENT',
      message: first.message,
    });
    expect(tally.failure(3, new KlogError('STORE_UNAVAILABLE', 'down'))).toMatchObject({ records: 3 });
    expect(tally.failure(1, new Error('third'), 9)).toBeNull();
    expect(tally.failed).toBe(5);
    expect(tally.firstError).toBe(first);
    expect(tally.summary().errors.map((note) => note.code)).toEqual(['INVALID_ARGUMENT', 'STORE_UNAVAILABLE']);
    expect(tally.describe()).toEqual(['produced 0 records to topic "t"', '5 records failed and were not produced']);
  });

  it('describes a line failure by its message, and a failed send by its records', () => {
    expect(
      describeFailure({ line: 3, records: 1, code: 'INVALID_ARGUMENT', message: 'Line 3 was not produced.' }),
    ).toBe('Line 3 was not produced.');
    expect(describeFailure({ records: 2, code: 'STORE_UNAVAILABLE', message: 'down' })).toBe(
      '2 records were not produced: down',
    );
  });
});
