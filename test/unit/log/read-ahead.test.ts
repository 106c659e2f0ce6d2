import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../../sdk/format/segment.js';
import { PartitionReader, readDefaults } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../../sdk/log/producer-state.js';
import { type PartitionRef, segmentKey, segmentsPrefix } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { GetResult, ObjectStore } from '../../../sdk/store/object-store.js';
import { recordsOf, topicWithOnePartition } from '../../helpers/log-fixtures.js';

/** Watches the whole-object GETs of segments: how many run at once and how many bytes they hold at most. */
class SegmentGetWatch {
  running = 0;
  maxRunning = 0;
  bytes = 0;
  maxBytes = 0;
  readonly getsByKey = new Map<string, number>();

  wrap(store: ObjectStore): ObjectStore {
    const get = async (key: string, range?: Parameters<ObjectStore['get']>[1]): Promise<GetResult | null> => {
      if (range !== undefined || !key.endsWith('.seg')) return store.get(key, range);
      this.getsByKey.set(key, (this.getsByKey.get(key) ?? 0) + 1);
      this.running++;
      this.maxRunning = Math.max(this.maxRunning, this.running);
      const size = (await store.head(key))?.size ?? 0;
      this.bytes += size;
      this.maxBytes = Math.max(this.maxBytes, this.bytes);
      try {
        return await store.get(key);
      } finally {
        this.running--;
        this.bytes -= size;
      }
    };
    return new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'get' ? get : Reflect.get(target, property, receiver).bind(target),
    });
  }
}

/** Writes `segments` segments of `perSegment` records each. */
async function partitionWithSegments(
  store: MemoryObjectStore,
  ref: PartitionRef,
  segments: number,
  perSegment: number,
) {
  const writer = new PartitionWriter(store, ref);
  const producerId = randomProducerId();
  writer.registerProducer(producerId);
  for (let segment = 0; segment < segments; segment++) {
    const values = Array.from({ length: perSegment }, (_, index) => `v${segment * perSegment + index}`);
    await writer.append({ records: recordsOf(values), producerId, baseSequence: segment * perSegment });
  }
}

const valuesOf = (records: readonly StoredRecord[]) => records.map((record) => Buffer.from(record.value!).toString());

async function readAll(reader: PartitionReader, maxBytes: number, end: bigint): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  let offset = 0n;
  while (offset < end) {
    const result = await reader.read(offset, { maxBytes });
    expect(result.nextOffset).toBeGreaterThan(offset);
    records.push(...result.records);
    offset = result.nextOffset;
  }
  return records;
}

describe('PartitionReader read-ahead', () => {
  it('fetches the segments of a reader that fell behind several at a time, each record once and in order', async () => {
    const store = new MemoryObjectStore({ latencyMs: 2 });
    const { ref } = await topicWithOnePartition(store);
    const watch = new SegmentGetWatch();
    const reader = new PartitionReader(watch.wrap(store), ref);
    // The reader is at the end of an empty log, as a consumer following the tail is.
    expect(await reader.read(0n)).toEqual({ records: [], nextOffset: 0n });
    await partitionWithSegments(store, ref, 20, 3);

    const result = await reader.read(0n, { maxBytes: 1 << 20 });
    expect(valuesOf(result.records)).toEqual(Array.from({ length: 60 }, (_, index) => `v${index}`));
    expect(result.records.map((record) => record.offset)).toEqual(Array.from({ length: 60 }, (_, i) => BigInt(i)));
    expect(result.nextOffset).toBe(60n);
    expect(watch.maxRunning).toBeGreaterThan(1);
    expect(watch.maxRunning).toBeLessThanOrEqual(readDefaults.readAheadSegments);
    // One GET per segment, and one 404 at the new end (whose check reads meta, not the last segment again).
    for (let base = 0n; base < 60n; base += 3n) expect(watch.getsByKey.get(segmentKey(ref, base))).toBe(1);
    expect(watch.getsByKey.get(segmentKey(ref, 60n))).toBe(1);
  });

  it('keeps the segments in flight within maxBytes and returns the same records as reads one at a time', async () => {
    const store = new MemoryObjectStore({ latencyMs: 1 });
    const { ref } = await topicWithOnePartition(store);
    await partitionWithSegments(store, ref, 24, 5);
    const listed = await store.list(segmentsPrefix(ref));
    const segmentSize = Math.max(...listed.map((object) => object.size));
    const maxBytes = Math.floor(segmentSize * 2.5);

    const watch = new SegmentGetWatch();
    const reader = new PartitionReader(watch.wrap(store), ref);
    const records = await readAll(reader, maxBytes, 120n);
    expect(valuesOf(records)).toEqual(Array.from({ length: 120 }, (_, index) => `v${index}`));
    expect(watch.maxBytes).toBeLessThanOrEqual(maxBytes);
    expect(watch.maxRunning).toBeGreaterThan(1);

    const one = await new PartitionReader(store, ref).read(0n, { maxBytes });
    const ahead = await new PartitionReader(watch.wrap(store), ref).read(0n, { maxBytes });
    expect(ahead.nextOffset).toBe(one.nextOffset);
    expect(valuesOf(ahead.records)).toEqual(valuesOf(one.records));
  });

  it('treats a listed segment that is gone when read as the ordinary path does', async () => {
    const store = new MemoryObjectStore({ latencyMs: 1 });
    const { ref } = await topicWithOnePartition(store);
    await partitionWithSegments(store, ref, 6, 2);
    const reader = new PartitionReader(store, ref);
    const first = await reader.read(0n, { maxBytes: 1 });
    expect(valuesOf(first.records)).toEqual(['v0', 'v1']);
    // The reader listed the segment at offset 2 on its first read; it is deleted before the reader gets to it.
    await store.delete(segmentKey(ref, 2n));
    const expected = await new PartitionReader(store, ref).read(2n);
    expect(expected).toEqual({ records: [], nextOffset: 2n });
    expect(await reader.read(2n)).toEqual(expected);
  });
});
