import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../sdk/format/segment.js';
import {
  type AccumulatorOptions,
  bufferedRecordBytes,
  RecordAccumulator,
} from '../../../sdk/producer/record-accumulator.js';
import { SendTracker } from '../../../sdk/producer/send-tracker.js';
import type { PartitionRef } from '../../../sdk/store/keys.js';

const ref: PartitionRef = { topic: 'orders', topicId: 'id', partition: 2 };

function record(value: string): LogRecord {
  return { key: null, value: Buffer.from(value), headers: [], timestamp: 0 };
}

function setup(options: Partial<AccumulatorOptions> = {}) {
  const closed: PartitionRef[] = [];
  let wakes = 0;
  let wakeWaiter: (() => void) | null = null;
  const accumulator = new RecordAccumulator({
    lingerMs: 600_000,
    batchMaxBytes: 1024 * 1024,
    bufferMaxBytes: 1024 * 1024,
    onBatchClosed: (closedRef) => closed.push(closedRef),
    ...options,
  });
  const buffer = accumulator.addBuffer(ref, () => {
    wakes++;
    wakeWaiter?.();
  });
  const woken = () =>
    new Promise<void>((resolve) => {
      wakeWaiter = resolve;
    });
  return { accumulator, buffer, closed, wakes: () => wakes, woken };
}

describe('RecordAccumulator', () => {
  it('keeps a batch open until the linger time has passed', async () => {
    const { accumulator, buffer, woken, closed } = setup({ lingerMs: 5 });
    const tracker = new SendTracker();
    const lingered = woken();
    accumulator.append(buffer, record('a'), 1, 'none', tracker);
    expect(accumulator.drain(buffer)).toBeNull();
    await lingered;
    const batch = accumulator.drain(buffer);
    expect(batch?.records.map((r) => Buffer.from(r.value!).toString())).toEqual(['a']);
    expect(closed).toEqual([ref]);
    expect(accumulator.drain(buffer)).toBeNull();
  });

  it('closes a batch when the next record would take it over batchMaxBytes', () => {
    const size = bufferedRecordBytes(100);
    const { accumulator, buffer, wakes } = setup({ batchMaxBytes: size * 3 + 10 });
    const tracker = new SendTracker();
    for (let index = 0; index < 7; index++) accumulator.append(buffer, record('x'), 100, 'none', tracker);
    expect(wakes()).toBe(2);
    expect(accumulator.drain(buffer)?.records).toHaveLength(3);
    expect(accumulator.drain(buffer)?.records).toHaveLength(3);
    // The seventh record waits in the open batch for its linger time.
    expect(accumulator.drain(buffer)).toBeNull();
    expect(accumulator.bufferedBytes).toBe(7 * size);
  });

  it('starts a new batch when the codec changes', () => {
    const { accumulator, buffer } = setup();
    const tracker = new SendTracker();
    accumulator.append(buffer, record('a'), 1, 'gzip', tracker);
    accumulator.append(buffer, record('b'), 1, 'snappy', tracker);
    accumulator.beginFlush();
    expect(accumulator.drain(buffer)?.compression).toBe('gzip');
    expect(accumulator.drain(buffer)?.compression).toBe('snappy');
    accumulator.endFlush();
  });

  it('drains open batches at once during a flush', () => {
    const { accumulator, buffer } = setup();
    accumulator.append(buffer, record('a'), 1, 'none', new SendTracker());
    expect(accumulator.drain(buffer)).toBeNull();
    accumulator.beginFlush();
    expect(accumulator.drain(buffer)?.records).toHaveLength(1);
    accumulator.endFlush();
  });

  it('makes a send wait for room, drains open batches meanwhile, and lets it go once bytes are released', async () => {
    const size = bufferedRecordBytes(100);
    const { accumulator, buffer, wakes } = setup({ bufferMaxBytes: size * 2 });
    const tracker = new SendTracker();
    accumulator.append(buffer, record('a'), 100, 'none', tracker);
    accumulator.append(buffer, record('b'), 100, 'none', tracker);
    expect(accumulator.hasRoom(size)).toBe(false);
    let waited = false;
    const room = accumulator.waitForRoom(size).then(() => {
      waited = true;
    });
    expect(wakes()).toBe(1);
    const batch = accumulator.drain(buffer);
    expect(batch?.records).toHaveLength(2);
    await Promise.resolve();
    expect(waited).toBe(false);
    batch?.stored(0n);
    accumulator.release(batch!);
    await room;
    expect(waited).toBe(true);
    expect(accumulator.bufferedBytes).toBe(0);
  });

  it('refuses to wait for a record larger than the whole buffer', () => {
    const { accumulator } = setup({ bufferMaxBytes: 100 });
    expect(() => accumulator.waitForRoom(101)).toThrow(/can never fit/);
  });

  it("reports each send's first offset per partition across batches", async () => {
    const size = bufferedRecordBytes(1);
    const { accumulator, buffer } = setup({ batchMaxBytes: size * 3 });
    const first = new SendTracker();
    const second = new SendTracker();
    accumulator.append(buffer, record('a'), 1, 'none', first);
    accumulator.append(buffer, record('b'), 1, 'none', second);
    accumulator.append(buffer, record('c'), 1, 'none', second);
    accumulator.append(buffer, record('d'), 1, 'none', second);
    first.appended();
    second.appended();
    accumulator.beginFlush();
    const one = accumulator.drain(buffer)!;
    const two = accumulator.drain(buffer)!;
    expect([one.records.length, two.records.length]).toEqual([3, 1]);
    one.stored(10n);
    accumulator.release(one);
    expect(await first.promise).toEqual([
      expect.objectContaining({ topicName: 'orders', partition: 2, baseOffset: '10' }),
    ]);
    two.stored(13n);
    accumulator.release(two);
    expect(await second.promise).toEqual([expect.objectContaining({ partition: 2, baseOffset: '11' })]);
    expect(accumulator.unsettledBatches()).toEqual([]);
  });

  it('fails every send of a failed batch, once', async () => {
    const { accumulator, buffer } = setup();
    const tracker = new SendTracker();
    accumulator.append(buffer, record('a'), 1, 'none', tracker);
    tracker.appended();
    accumulator.beginFlush();
    const batch = accumulator.drain(buffer)!;
    const settled = batch.whenSettled();
    batch.failed(new Error('boom'));
    accumulator.release(batch);
    await settled;
    await expect(tracker.promise).rejects.toThrow('boom');
    expect(batch.error).toBeInstanceOf(Error);
  });
});
