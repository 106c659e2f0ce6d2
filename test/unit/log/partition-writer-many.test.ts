import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../sdk/format/segment.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { type AppendRequest, PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { segmentsPrefix } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { topicWithOnePartition } from '../../helpers/log-fixtures.js';

function request(producerId: bigint, baseSequence: number, ...values: string[]): AppendRequest {
  const records: LogRecord[] = values.map((value) => ({
    key: null,
    value: Buffer.from(value),
    headers: [],
    timestamp: 1,
  }));
  return { records, producerId, baseSequence };
}

describe('PartitionWriter.appendMany', () => {
  it('writes one segment and settles each batch alone: a bad batch fails without the others', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref);
    const settled = await writer.appendMany([request(1n, 0, 'a', 'b'), request(2n, 0), request(3n, 0, 'c')]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: { baseOffset: 0n, lastOffset: 1n, duplicate: false } });
    expect(settled[1]?.status).toBe('rejected');
    expect(settled[1]?.status === 'rejected' && settled[1].reason.code).toBe('INVALID_ARGUMENT');
    expect(settled[2]).toEqual({ status: 'fulfilled', value: { baseOffset: 2n, lastOffset: 2n, duplicate: false } });
    expect(await store.list(segmentsPrefix(ref))).toHaveLength(1);
    const read = await new PartitionReader(store, ref).read(0n);
    expect(read.records.map((record) => Buffer.from(record.value ?? []).toString())).toEqual(['a', 'b', 'c']);
  });

  it('answers batches stored before with their stored offsets, through another writer', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    await new PartitionWriter(store, ref).appendMany([request(1n, 0, 'a'), request(2n, 0, 'b', 'c')]);
    const other = new PartitionWriter(store, ref);
    const settled = await other.appendMany([request(2n, 0, 'b', 'c'), request(4n, 0, 'd')]);
    expect(settled.map((result) => result.status === 'fulfilled' && result.value)).toEqual([
      { baseOffset: 1n, lastOffset: 2n, duplicate: true },
      { baseOffset: 3n, lastOffset: 3n, duplicate: false },
    ]);
  });

  it('refuses two batches of one producer in one call', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const settled = await new PartitionWriter(store, ref).appendMany([request(1n, 0, 'a'), request(1n, 1, 'b')]);
    expect(settled[0]?.status).toBe('fulfilled');
    expect(settled[1]?.status === 'rejected' && settled[1].reason.message).toMatch(/two batches in one group commit/);
  });

  it('takes a retried batch that another writer stored among others for theirs, at its real offset', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const first = new PartitionWriter(store, ref);
    await first.append(request(7n, 0, 'w'));
    // This writer believes producer 5 has nothing stored (as after a scan) and its tail is 1.
    first.registerProducer(5n);
    // Meanwhile another writer stores producer 5's batch second in a segment at offset 1.
    await new PartitionWriter(store, ref).appendMany([request(6n, 0, 'x'), request(5n, 0, 'y')]);
    // The retry meets that segment at offset 1: it holds the batch, but not at 1, so it is not "ours".
    const retried = await first.append(request(5n, 0, 'y'));
    expect(retried).toEqual({ baseOffset: 2n, lastOffset: 2n, duplicate: true });
    expect(first.cachedTail).toBe(3n);
  });
});
