/**
 * The consumer reads runs (record-run.ts): batches checked and measured when read, records built when delivered.
 * These tests hold that path to the eager one: the same messages, sizes and offsets on the golden segments and
 * from a reader, control records left out, and corruption still reported when reading, naming the key.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ChunkRecords } from '../../../sdk/consumer/chunk-records.js';
import { toConsumedMessage } from '../../../sdk/consumer/consumed-message.js';
import { decodeBatch, decodeSegmentHeader, scanBatch } from '../../../sdk/format/segment.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../../sdk/log/producer-state.js';
import { decodedRun, type RecordRun, scannedRun } from '../../../sdk/log/record-run.js';
import { recordPayloadBytes } from '../../../sdk/log/record-size.js';
import { segmentKey } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import { recordsOf, topicWithOnePartition } from '../../helpers/log-fixtures.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/format/', import.meta.url));

/** Every message of some runs, through ChunkRecords as the consumer delivers them. */
function messagesOf(runs: RecordRun[]) {
  const chunk = new ChunkRecords(runs);
  return Array.from({ length: chunk.length }, (_, index) => ({
    offset: chunk.offsetAt(index),
    message: toConsumedMessage(chunk.at(index), chunk.sizes[index]!),
  }));
}

describe('record runs', () => {
  for (const name of ['none', 'gzip', 'snappy', 'multi-batch', 'control']) {
    it(`give the eager decoder's messages, sizes and offsets for segment-v1-${name}`, () => {
      const bytes = readFileSync(`${FIXTURES}segment-v1-${name}.bin`);
      const header = decodeSegmentHeader(bytes, name);
      const eager = [];
      const runs: RecordRun[] = [];
      for (const entry of header.batches) {
        const batchBytes = bytes.subarray(entry.position, entry.position + entry.length);
        const decoded = decodeBatch(batchBytes, entry, header.baseOffset, name);
        for (const record of decoded.records) {
          eager.push({ offset: record.offset, message: toConsumedMessage(record, recordPayloadBytes(record)) });
        }
        if (entry.control) {
          expect(() => scanBatch(batchBytes, entry, header.baseOffset, name)).toThrow(/control batch/);
        } else {
          runs.push(scannedRun(scanBatch(batchBytes, entry, header.baseOffset, name), 0));
        }
      }
      expect(messagesOf(runs)).toEqual(eager);
      if (name === 'control') expect(runs).toHaveLength(0);
      else expect(eager.length).toBeGreaterThan(0);
    });
  }

  it('start inside a batch with the offsets of the eager records they skip to', () => {
    const bytes = readFileSync(`${FIXTURES}segment-v1-multi-batch.bin`);
    const header = decodeSegmentHeader(bytes, 'multi');
    const entry = header.batches.find((candidate) => !candidate.control && candidate.offsetCount > 1)!;
    const batchBytes = bytes.subarray(entry.position, entry.position + entry.length);
    const eager = decodeBatch(batchBytes, entry, header.baseOffset, 'multi').records.slice(1);
    const run = scannedRun(scanBatch(batchBytes, entry, header.baseOffset, 'multi'), 1);
    expect(run.records()).toEqual(eager);
    expect(Array.from({ length: run.length }, (_, index) => run.offsetAt(index))).toEqual(eager.map((r) => r.offset));
    expect([...run.sizes]).toEqual(eager.map(recordPayloadBytes));
  });

  it('read from a partition as `read` does, from any offset and within maxBytes', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref);
    const producerId = randomProducerId();
    writer.registerProducer(producerId);
    for (let batch = 0; batch < 4; batch++) {
      const values = Array.from({ length: 5 }, (_, index) => `v${batch}-${index}`);
      await writer.append({ records: recordsOf(values), producerId, baseSequence: batch * 5 });
    }
    for (const [offset, maxBytes] of [
      [0n, undefined],
      [3n, undefined],
      [7n, 1],
      [12n, 200],
    ] as const) {
      const eager = await new PartitionReader(store, ref).read(offset, { maxBytes });
      const lazy = await new PartitionReader(store, ref).readRuns(offset, { maxBytes });
      expect(lazy.nextOffset).toBe(eager.nextOffset);
      const expected = eager.records.map((record) => ({
        offset: record.offset,
        message: toConsumedMessage(record, recordPayloadBytes(record)),
      }));
      expect(messagesOf(lazy.runs)).toEqual(expected);
      expect(messagesOf([decodedRun(eager.records)])).toEqual(expected);
    }
  });

  it('report a corrupt batch when reading, as CORRUPT_OBJECT naming the key', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await topicWithOnePartition(store);
    const writer = new PartitionWriter(store, ref);
    const producerId = randomProducerId();
    writer.registerProducer(producerId);
    await writer.append({ records: recordsOf(['a', 'b']), producerId, baseSequence: 0 });
    const key = segmentKey(ref, 0n);
    const object = await store.get(key);
    const damaged = Buffer.from(object!.body);
    damaged[damaged.length - 3]! ^= 0x10;
    expect((await store.put(key, damaged, { ifMatch: object!.etag })).kind).toBe('done');
    const error = await new PartitionReader(store, ref).readRuns(0n).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CORRUPT_OBJECT', retriable: false, context: { key } });
    expect((error as Error).message).toContain(key);
  });
});

describe('ChunkRecords', () => {
  it('finds the first record above an offset across runs, and keeps only the admitted records', () => {
    const runs = [0n, 10n].map((base) =>
      decodedRun(recordsOf(['a', 'b', 'c']).map((record, index) => ({ ...record, offset: base + BigInt(index) }))),
    );
    const chunk = new ChunkRecords(runs);
    expect(chunk.length).toBe(6);
    expect(chunk.firstAbove(1n, 0)).toBe(2);
    expect(chunk.firstAbove(2n, 0)).toBe(3);
    expect(chunk.firstAbove(10n, 3)).toBe(4);
    expect(chunk.firstAbove(99n, 0)).toBe(6);
    chunk.truncate(4);
    expect(chunk.length).toBe(4);
    expect(chunk.firstAbove(99n, 0)).toBe(4);
    expect(chunk.offsetAt(3)).toBe(10n);
    expect(() => chunk.at(4)).toThrow(RangeError);
  });
});
