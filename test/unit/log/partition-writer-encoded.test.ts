import { describe, expect, it } from 'vitest';
import { checkProducedBatch } from '../../../sdk/format/produced-batch.js';
import { encodeBatch, type LogRecord } from '../../../sdk/format/segment.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { type EncodedAppendRequest, PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { type PartitionRef, segmentsPrefix } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { recordsOf, topicWithOnePartition } from '../../helpers/log-fixtures.js';

/** A batch as a remote producer sends it: encoded by the client with writer epoch 0, then checked by the broker. */
function encoded(
  producerId: bigint,
  baseSequence: number,
  records: LogRecord[],
  writerEpoch = 0,
): EncodedAppendRequest {
  return { batch: checkProducedBatch(encodeBatch(records, { producerId, baseSequence, writerEpoch }).bytes) };
}

async function failure(append: Promise<unknown>): Promise<{ code: string; message: string; context: object }> {
  return append.then(
    () => {
      throw new Error('the append was accepted');
    },
    (error: { code: string; message: string; context: object }) => error,
  );
}

async function values(store: MemoryObjectStore, ref: PartitionRef): Promise<string[]> {
  const read = await new PartitionReader(store, ref).read(0n);
  return read.records.map((record) => Buffer.from(record.value ?? []).toString());
}

describe('PartitionWriter with batches a producer encoded', () => {
  it('stores the producer’s bytes as they are, and a retry of the batch once', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref);
    const first = encoded(9n, 0, recordsOf(['a', 'b']));
    expect(await writer.append(first)).toEqual({ baseOffset: 0n, lastOffset: 1n, duplicate: false });
    const [segment] = await store.list(segmentsPrefix(ref));
    const stored = Buffer.from((await store.get(segment!.key))!.body);
    expect(stored.indexOf(Buffer.from(first.batch.bytes))).toBeGreaterThan(0);

    // The same batch again, through a writer that never saw it (another broker): stored once.
    const other = new PartitionWriter(store, ref);
    expect(await other.append(encoded(9n, 0, recordsOf(['a', 'b'])))).toEqual({
      baseOffset: 0n,
      lastOffset: 1n,
      duplicate: true,
    });
    expect(await other.append(encoded(9n, 2, recordsOf(['c'])))).toMatchObject({ baseOffset: 2n, duplicate: false });
    await expect(other.append(encoded(9n, 7, recordsOf(['gap'])))).rejects.toMatchObject({
      code: 'OUT_OF_ORDER_SEQUENCE',
    });
    expect(await values(store, ref)).toEqual(['a', 'b', 'c']);
  });

  it('applies the limits it applies to records: maxMessageBytes per record and maxBatchBytes', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref, { maxBatchBytes: 4_096 });
    const records = recordsOf(['small', 'x'.repeat(2_000)]);
    const perRecord = await failure(writer.append({ ...encoded(1n, 0, records), maxMessageBytes: 1_000 }));
    expect(perRecord).toMatchObject({ code: 'RECORD_TOO_LARGE', context: { recordIndex: 1 } });
    // The same words as for the same records not yet encoded.
    const direct = await failure(writer.append({ records, producerId: 1n, baseSequence: 0, maxMessageBytes: 1_000 }));
    expect(perRecord.message).toBe(direct.message);
    expect(perRecord.message).toMatch(/is 200\d bytes, over the limit of 1000/);
    const batch = await failure(writer.append(encoded(1n, 0, recordsOf(['y'.repeat(5_000)]))));
    expect(batch).toMatchObject({ code: 'RECORD_TOO_LARGE' });
    expect(batch.message).toContain('exceeds maxBatchBytes (4096)');
    expect(await store.list(segmentsPrefix(ref))).toHaveLength(0);
  });

  it('refuses a batch stamped with another writer epoch', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const refused = await failure(new PartitionWriter(store, ref).append(encoded(1n, 0, recordsOf(['a']), 3)));
    expect(refused.code).toBe('INVALID_ARGUMENT');
    expect(refused.message).toContain('writer epoch 3');
    expect(await store.list(segmentsPrefix(ref))).toHaveLength(0);
  });

  it('mixes encoded batches and records in one group commit, each settling alone', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const settled = await new PartitionWriter(store, ref).appendMany([
      encoded(1n, 0, recordsOf(['a'])),
      { records: recordsOf(['b', 'c']), producerId: 2n, baseSequence: 0 },
      { ...encoded(3n, 0, recordsOf(['too large'])), maxMessageBytes: 2 },
      encoded(4n, 0, recordsOf(['d'])),
    ]);
    expect(
      settled.map((result) => (result.status === 'fulfilled' ? result.value.baseOffset : result.reason.code)),
    ).toEqual([0n, 1n, 'RECORD_TOO_LARGE', 3n]);
    expect(await store.list(segmentsPrefix(ref))).toHaveLength(1);
    expect(await values(store, ref)).toEqual(['a', 'b', 'c', 'd']);
  });
});
