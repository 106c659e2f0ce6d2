import { describe, expect, it } from 'vitest';
import { SendTracker } from '../../../sdk/producer/send-tracker.js';

describe('SendTracker', () => {
  it('resolves once every batch is stored and every record appended', async () => {
    const tracker = new SendTracker();
    let resolved = false;
    void tracker.promise.then(() => {
      resolved = true;
    });
    const result = tracker.addPartition('orders', 1);
    tracker.addBatch();
    tracker.addBatch();
    tracker.batchStored();
    tracker.appended();
    await Promise.resolve();
    expect(resolved).toBe(false);
    result.baseOffset = '42';
    tracker.batchStored();
    expect(await tracker.promise).toEqual([
      { topicName: 'orders', partition: 1, errorCode: 0, baseOffset: '42', logAppendTime: '-1', logStartOffset: '-1' },
    ]);
  });

  it('resolves an empty send with no results', async () => {
    const tracker = new SendTracker();
    tracker.appended();
    expect(await tracker.promise).toEqual([]);
  });

  it('rejects with the first failure and ignores later outcomes', async () => {
    const tracker = new SendTracker();
    tracker.addBatch();
    tracker.addBatch();
    tracker.fail(new Error('first'));
    tracker.fail(new Error('second'));
    tracker.batchStored();
    tracker.appended();
    await expect(tracker.promise).rejects.toThrow('first');
  });
});
