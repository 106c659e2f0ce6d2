import { describe, expect, it } from 'vitest';
import { ControlType, encodeBatch, encodeControlBatch, encodeSegment } from '../../../sdk/format/segment.js';
import { updatePartitionMeta } from '../../../sdk/log/partition-meta.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../../sdk/log/producer-state.js';
import { CountingObjectStore } from '../../../sdk/store/counting-object-store.js';
import { segmentKey } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { recordsOf, topicWithOnePartition } from '../../helpers/log-fixtures.js';

async function filledPartition(batches: number, recordsPerBatch: number) {
  const store = new MemoryObjectStore();
  const { ref } = await topicWithOnePartition(store);
  const writer = new PartitionWriter(store, ref);
  const producerId = randomProducerId();
  writer.registerProducer(producerId);
  for (let batch = 0; batch < batches; batch++) {
    const values = Array.from({ length: recordsPerBatch }, (_, index) => `v${batch * recordsPerBatch + index}`);
    await writer.append({
      records: recordsOf(values, 1_000 * (batch + 1)),
      producerId,
      baseSequence: batch * recordsPerBatch,
    });
  }
  return { store, ref, writer, producerId };
}

const valuesOf = (records: { value: Uint8Array | null }[]) =>
  records.map((record) => Buffer.from(record.value ?? []).toString());

describe('PartitionReader', () => {
  it('reads from the start, from the middle of a segment, and reports the next offset', async () => {
    const { store, ref } = await filledPartition(3, 4);
    const reader = new PartitionReader(store, ref);
    const all = await reader.read(0n, { maxBytes: 1 << 20 });
    expect(valuesOf(all.records)).toEqual(Array.from({ length: 12 }, (_, index) => `v${index}`));
    expect(all.nextOffset).toBe(12n);
    const middle = await new PartitionReader(store, ref).read(6n);
    expect(middle.records[0]?.offset).toBe(6n);
    expect(valuesOf(middle.records)).toEqual(['v6', 'v7', 'v8', 'v9', 'v10', 'v11']);
  });

  it('returns at least one batch and stops at maxBytes', async () => {
    const { store, ref } = await filledPartition(3, 4);
    const reader = new PartitionReader(store, ref);
    const first = await reader.read(0n, { maxBytes: 1 });
    expect(first.records).toHaveLength(4);
    expect(first.nextOffset).toBe(4n);
  });

  it('reads large segments with range GETs of only the batches needed', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    // One segment holding 50 batches, as a broker's group commit or a compaction writes them.
    const batches = Array.from({ length: 50 }, (_, index) =>
      encodeBatch(recordsOf([`b${index}-0`, `b${index}-1`]), {
        producerId: BigInt(index + 1),
        baseSequence: 0,
        writerEpoch: 0,
      }),
    );
    await store.put(segmentKey(ref, 0n), encodeSegment(0n, batches), { ifNoneMatch: '*' });
    const counting = new CountingObjectStore(store);
    const reader = new PartitionReader(counting, ref, { rangeReadThresholdBytes: 256, headerReadBytes: 4096 });
    const result = await reader.read(61n, { maxBytes: 1 });
    expect(valuesOf(result.records)).toEqual(['b30-1']);
    expect(result.nextOffset).toBe(62n);
    const bytesRead = counting.counts().bytesRead;
    const object = await store.get(segmentKey(ref, 0n));
    expect(bytesRead).toBeLessThan(object!.size);
  });

  it('polls the next key after the end and sees new data', async () => {
    const { store, ref, writer, producerId } = await filledPartition(1, 2);
    const reader = new PartitionReader(store, ref);
    const first = await reader.read(0n);
    const idle = await reader.read(first.nextOffset);
    expect(idle).toEqual({ records: [], nextOffset: 2n });
    await writer.append({ records: recordsOf(['late']), producerId, baseSequence: 2 });
    expect(valuesOf((await reader.read(2n)).records)).toEqual(['late']);
  });

  it('reports earliest and latest offsets and finds offsets by timestamp', async () => {
    const { store, ref } = await filledPartition(3, 4);
    const reader = new PartitionReader(store, ref);
    expect(await reader.earliestOffset()).toBe(0n);
    expect(await reader.latestOffset()).toBe(12n);
    expect(await reader.offsetForTimestamp(0)).toBe(0n);
    expect(await reader.offsetForTimestamp(2_002)).toBe(6n);
    expect(await reader.offsetForTimestamp(10_000)).toBeNull();
  });

  it('throws offset-out-of-range below the log start and above the log end', async () => {
    const { store, ref } = await filledPartition(3, 4);
    await updatePartitionMeta(store, ref, (meta) => ({ ...meta, logStartOffset: 4n }));
    const reader = new PartitionReader(store, ref);
    await expect(reader.read(1n)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE', context: { offset: 1n } });
    await expect(reader.read(40n)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    expect(await reader.earliestOffset()).toBe(4n);
  });

  it('never returns control records but counts their offsets', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const control = encodeControlBatch(
      ControlType.WRITER_EPOCH,
      { writerId: '7', epoch: 1 },
      { producerId: 7n, baseSequence: -1, writerEpoch: 1, timestamp: 1 },
    );
    await store.put(segmentKey(ref, 0n), encodeSegment(0n, [control]), { ifNoneMatch: '*' });
    const data = encodeBatch(recordsOf(['after']), { producerId: 9n, baseSequence: 0, writerEpoch: 1 });
    await store.put(segmentKey(ref, 1n), encodeSegment(1n, [data]), { ifNoneMatch: '*' });
    const reader = new PartitionReader(store, ref);
    const result = await reader.read(0n);
    expect(valuesOf(result.records)).toEqual(['after']);
    expect(result.records[0]?.offset).toBe(1n);
    expect(result.nextOffset).toBe(2n);
    expect(await new PartitionReader(store, ref).read(0n, { maxBytes: 1 })).toEqual({ records: [], nextOffset: 1n });
  });
});
