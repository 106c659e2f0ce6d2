import { describe, expect, it } from 'vitest';
import { PendingBatch } from '../../../sdk/producer/pending-batch.js';
import { SendTracker } from '../../../sdk/producer/send-tracker.js';

const ref = { topic: 'orders', topicId: 'id', partition: 1 };

describe('PendingBatch', () => {
  it('gives each send the offset of its first record, and only where it holds a result entry', async () => {
    const batch = new PendingBatch(ref, 'none');
    const first = new SendTracker();
    const second = new SendTracker();
    batch.shares.push({ tracker: first, result: first.addPartition('orders', 1), firstIndex: 0 });
    // The second send's first record in this partition was in an earlier batch: no entry here.
    batch.shares.push({ tracker: second, result: null, firstIndex: 4 });
    first.addBatch();
    second.addBatch();
    first.appended();
    second.appended();
    const settled = batch.whenSettled();
    batch.stored(100n);
    await settled;
    expect((await first.promise).map((result) => result.baseOffset)).toEqual(['100']);
    expect(await second.promise).toEqual([]);
    expect(batch.error).toBeUndefined();
  });

  it('settles waiters that arrive after it settled', async () => {
    const batch = new PendingBatch(ref, 'gzip');
    batch.failed(new Error('nope'));
    await batch.whenSettled();
    expect(batch.error).toEqual(new Error('nope'));
  });
});
