import { describe, expect, it } from 'vitest';
import { decodePartitionIndex, encodePartitionIndex } from '../../../sdk/format/partition-index.js';
import { encodeBatch, encodeSegment } from '../../../sdk/format/segment.js';
import { findIndexCovering, liveSegments, readChain } from '../../../sdk/log/partition-index.js';
import { readPartitionMeta } from '../../../sdk/log/partition-meta.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { indexPartition } from '../../../sdk/maintenance/partition-indexing.js';
import { CountingObjectStore } from '../../../sdk/store/counting-object-store.js';
import { dataSegmentKey, indexesPrefix, indexKey, type PartitionRef } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';
import { recordsOf } from '../../helpers/log-fixtures.js';
import { NOW, partitionWithConfig, smallIndexing } from '../../helpers/maintenance-fixtures.js';

/**
 * `segments` segments of 3 records, segment s stamped NOW - 1000 + s; indexed `perIndex` segments per index object
 * (the default 25 segments of 10 make the chain [0,30) [30,60) [60,72)).
 */
async function indexedPartition(
  store: ObjectStore,
  segments = 25,
  perIndex = 10,
): Promise<{ ref: PartitionRef; values: string[] }> {
  const ref = await partitionWithConfig(store, { retentionMs: -1 });
  const writer = new PartitionWriter(store, ref);
  writer.registerProducer(9n);
  const values: string[] = [];
  for (let segment = 0; segment < segments; segment++) {
    const batch = [0, 1, 2].map((record) => `v${segment * 3 + record}`);
    await writer.append({ records: recordsOf(batch, NOW - 1000 + segment), producerId: 9n, baseSequence: segment * 3 });
    values.push(...batch);
  }
  await indexPartition(store, ref, { ...smallIndexing(NOW), indexMaxSegments: perIndex });
  return { ref, values };
}

/**
 * An index object outside the chain, as a run that stalled while another indexed the range would leave it: it
 * covers [base, end) with one `data/` segment whose records (stamped NOW and later) are not the log's.
 */
async function plantStrayIndex(store: ObjectStore, ref: PartitionRef, base = 45n, end = 72n): Promise<void> {
  const bogus = Array.from({ length: Number(end - base) }, (_, index) => `bogus${index}`);
  const body = encodeSegment(base, [
    encodeBatch(recordsOf(bogus, NOW), { producerId: 0n, baseSequence: -1, writerEpoch: 0 }),
  ]);
  const key = dataSegmentKey(ref, base, end);
  await store.put(key, body, { ifNoneMatch: '*' });
  const maxTimestamp = NOW + bogus.length - 1;
  const stray = encodePartitionIndex({
    baseOffset: base,
    endOffset: end,
    previous: null,
    createdAt: NOW,
    segments: [{ baseOffset: base, endOffset: end, key, size: body.length, maxTimestamp }],
    producers: [],
    fence: { writerEpoch: 0, writerId: null },
    chain: [{ baseOffset: base, endOffset: end, key: indexKey(ref, base), maxTimestamp }],
  });
  expect((await store.put(indexKey(ref, base), stray, { ifNoneMatch: '*' })).kind).toBe('done');
}

/** Stores every index object again without its chain directory, as the code before the directory wrote them. */
async function dropChainDirectories(store: ObjectStore, ref: PartitionRef): Promise<void> {
  for (const { key } of await store.list(indexesPrefix(ref))) {
    const object = (await store.get(key))!;
    const index = decodePartitionIndex(object.body, key);
    const outcome = await store.put(key, encodePartitionIndex({ ...index, chain: null }), { ifMatch: object.etag });
    expect(outcome.kind).toBe('done');
  }
}

async function readAll(reader: PartitionReader, from: bigint): Promise<string[]> {
  const values: string[] = [];
  let offset = from;
  for (;;) {
    const { records, nextOffset } = await reader.read(offset, { maxBytes: 400 });
    if (records.length === 0 && nextOffset === offset) return values;
    for (const record of records) values.push(Buffer.from(record.value ?? []).toString());
    offset = nextOffset;
  }
}

describe('index chain lookups', () => {
  it('finds the index covering an offset through the chain in meta.json, not a stray index object', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await indexedPartition(store);
    await plantStrayIndex(store, ref);
    const meta = (await readPartitionMeta(store, ref))!.meta;
    expect(meta.newestIndex).toBe(indexKey(ref, 60n));
    expect((await findIndexCovering(store, meta, 50n))?.baseOffset).toBe(30n);
    expect((await findIndexCovering(store, meta, 65n))?.baseOffset).toBe(60n);
    expect(await findIndexCovering(store, meta, 72n)).toBeNull();
    const keys = (await liveSegments(store, ref, meta, 40n)).map((segment) => segment.key);
    expect(keys.some((key) => key.includes('00000000000000000045-'))).toBe(false);
  });

  it('lets a reader seeking into a stray index range read the log records, before and after the grace period', async () => {
    const store = new MemoryObjectStore();
    const { ref, values } = await indexedPartition(store);
    await plantStrayIndex(store, ref);
    for (const from of [0, 44, 45, 50, 59, 60, 71]) {
      expect(await readAll(new PartitionReader(store, ref), BigInt(from))).toEqual(values.slice(from));
    }
    const later = await indexPartition(store, ref, smallIndexing(NOW + 60_000));
    expect(later.deletedOriginals).toBeGreaterThan(0);
    for (const from of [45, 50, 61]) {
      expect(await readAll(new PartitionReader(store, ref), BigInt(from))).toEqual(values.slice(from));
    }
    const reader = new PartitionReader(store, ref);
    // Segment 14 holds offsets 42..44 stamped NOW - 986 .. NOW - 984; the stray's records (NOW and later) are not the log's.
    expect(await reader.offsetForTimestamp(NOW - 984)).toBe(44n);
    expect(await reader.offsetForTimestamp(NOW)).toBeNull();
  });
});

describe('locating through the chain directory', () => {
  it('seeks to the start of a partition with 50 index objects in a bounded number of requests', async () => {
    const store = new MemoryObjectStore();
    // 103 segments, two per index object (the newest and the 4 before it, under indexMinSegments, stay unindexed):
    // the chain [0,6) [6,12) ... [294,300).
    const { ref, values } = await indexedPartition(store, 103, 2);
    const meta = (await readPartitionMeta(store, ref))!.meta;
    expect((await store.list(indexesPrefix(ref))).length).toBe(50);
    expect(meta.indexedEndOffset).toBe(300n);
    const counting = new CountingObjectStore(store);
    // meta.json, the newest index, the index covering offset 0 (its directory entry), the segment: walking
    // `previous` instead took one GET per index object, 52 in all.
    const first = await new PartitionReader(counting, ref).read(0n, { maxBytes: 1 });
    expect(first.records.map((record) => Buffer.from(record.value ?? []).toString())).toEqual(values.slice(0, 3));
    expect(counting.counts()).toMatchObject({ get: 4, list: 0 });
    for (const offset of [0n, 7n, 150n, 293n]) {
      counting.reset();
      expect((await findIndexCovering(counting, meta, offset))?.baseOffset).toBe(offset - (offset % 6n));
      expect(counting.counts()).toMatchObject({ get: 2, list: 0 });
    }
    // The newest index covers its own offsets: one GET.
    counting.reset();
    expect((await findIndexCovering(counting, meta, 295n))?.baseOffset).toBe(294n);
    expect(counting.counts().get).toBe(1);
  });

  it('finds an offset for a timestamp with meta, the newest index, the covering index and a header', async () => {
    const store = new MemoryObjectStore();
    const { ref } = await indexedPartition(store, 103, 2);
    const counting = new CountingObjectStore(store);
    const reader = new PartitionReader(counting, ref);
    // Segment 28 (offsets 84..86) is stamped NOW - 972 .. NOW - 970; its index [84,90) is the 15th of 50.
    expect(await reader.offsetForTimestamp(NOW - 970)).toBe(86n);
    expect(counting.counts()).toMatchObject({ get: 4, list: 0 });
    counting.reset();
    expect(await reader.offsetForTimestamp(NOW - 1000)).toBe(0n);
    expect(counting.counts()).toMatchObject({ get: 4, list: 0 });
  });

  it('never picks a stray index object inside a long chain', async () => {
    const store = new MemoryObjectStore();
    const { ref, values } = await indexedPartition(store, 103, 2);
    await plantStrayIndex(store, ref, 45n, 120n);
    const meta = (await readPartitionMeta(store, ref))!.meta;
    expect((await findIndexCovering(store, meta, 45n))?.baseOffset).toBe(42n);
    expect((await findIndexCovering(store, meta, 100n))?.baseOffset).toBe(96n);
    for (const from of [0, 45, 46, 100, 119]) {
      expect(await readAll(new PartitionReader(store, ref), BigInt(from))).toEqual(values.slice(from));
    }
    const chainKeys = (await readChain(store, meta, 0n)).map((index) => index.baseOffset);
    expect(chainKeys).toHaveLength(50);
    expect(chainKeys).not.toContain(45n);
    // The stray's records are stamped NOW and later; the log's are all older.
    expect(await new PartitionReader(store, ref).offsetForTimestamp(NOW)).toBeNull();
  });

  it('walks `previous` for index objects without a directory, and the next run writes a full directory', async () => {
    const store = new MemoryObjectStore();
    const { ref, values } = await indexedPartition(store);
    await dropChainDirectories(store, ref);
    const before = (await readPartitionMeta(store, ref))!.meta;
    expect((await findIndexCovering(store, before, 5n))?.baseOffset).toBe(0n);
    expect(await readAll(new PartitionReader(store, ref), 0n)).toEqual(values);
    expect(await new PartitionReader(store, ref).offsetForTimestamp(NOW - 980)).toBe(56n);
    // Four more segments seal the range [72,78): the next index carries on the walked chain in its directory.
    const writer = new PartitionWriter(store, ref);
    writer.registerProducer(10n);
    for (let segment = 0; segment < 4; segment++) {
      await writer.append({ records: recordsOf(['x'], NOW), producerId: 10n, baseSequence: segment });
    }
    expect((await indexPartition(store, ref, smallIndexing(NOW))).indexesWritten).toBe(1);
    const meta = (await readPartitionMeta(store, ref))!.meta;
    const newest = decodePartitionIndex((await store.get(meta.newestIndex!))!.body, meta.newestIndex!);
    expect(newest.chain?.map((entry) => entry.key)).toEqual([0n, 30n, 60n, 72n].map((base) => indexKey(ref, base)));
    const counting = new CountingObjectStore(store);
    expect((await findIndexCovering(counting, meta, 1n))?.baseOffset).toBe(0n);
    expect(counting.counts().get).toBe(2);
  });
});
