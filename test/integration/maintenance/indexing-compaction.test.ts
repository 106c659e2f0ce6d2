import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePartitionIndex } from '../../../sdk/format/partition-index.js';
import { readPartitionMeta } from '../../../sdk/log/partition-meta.js';
import { PartitionReader } from '../../../sdk/log/partition-reader.js';
import { partitionStats } from '../../../sdk/log/partition-stats.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { discoverTail } from '../../../sdk/log/tail.js';
import { alterTopicConfig } from '../../../sdk/log/topics.js';
import { type MaintenanceOptions, runMaintenance } from '../../../sdk/maintenance/run-maintenance.js';
import { CountingObjectStore } from '../../../sdk/store/counting-object-store.js';
import { dataSegmentsPrefix, indexesPrefix, type PartitionRef, parseDataSegmentKey } from '../../../sdk/store/keys.js';
import type { S3ObjectStore } from '../../../sdk/store/s3-object-store.js';
import { recordsOf } from '../../helpers/log-fixtures.js';
import { partitionWithConfig } from '../../helpers/maintenance-fixtures.js';
import { openTestS3Store } from '../../helpers/s3-test-store.js';

const PRODUCER = 4242n;
const RECORDS_PER_SEGMENT = 2;
/** Small enough that a few hundred segments of ~300 bytes become a few dozen data/ segments. */
const COMPACTION: MaintenanceOptions = { compactionTargetBytes: 4_000, indexMinSegments: 16 };

/** Appends `count` segments of the idempotent producer, continuing its sequence; returns their values. */
async function append(writer: PartitionWriter, first: number, count: number): Promise<string[]> {
  const values: string[] = [];
  for (let segment = first; segment < first + count; segment++) {
    const batch = Array.from({ length: RECORDS_PER_SEGMENT }, (_, record) => `r${segment}-${record}`);
    await writer.append({
      // Current times: the index's producer table leaves out producers idle longer than a day (as Kafka expires them).
      records: recordsOf(batch, Date.now()),
      producerId: PRODUCER,
      baseSequence: segment * RECORDS_PER_SEGMENT,
    });
    values.push(...batch);
  }
  return values;
}

/** Reads from `from` to `end` in small reads, yielding to the event loop between them so maintenance interleaves. */
async function readUntil(reader: PartitionReader, from: bigint, end: bigint): Promise<string[]> {
  return (await readFrom(reader, from, end)).values;
}

async function readFrom(reader: PartitionReader, from: bigint, end: bigint) {
  const values: string[] = [];
  let offset = from;
  while (offset < end) {
    const { records, nextOffset } = await reader.read(offset, { maxBytes: 1_500 });
    for (const record of records) values.push(Buffer.from(record.value ?? []).toString());
    if (nextOffset === offset) throw new Error(`no progress at offset ${offset}`);
    offset = nextOffset;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { values, next: offset };
}

async function keysUnder(store: S3ObjectStore, prefix: string): Promise<string[]> {
  return (await store.list(prefix)).map((object) => object.key);
}

describe('index objects and compaction on MinIO', () => {
  let store: S3ObjectStore;
  beforeEach(() => {
    store = openTestS3Store(`indexing-${randomUUID()}`);
  });
  afterEach(() => store.close());

  it('compacts under a reader, keeps tail discovery and idempotent retries, and retention removes what it passed', async () => {
    const ref: PartitionRef = await partitionWithConfig(store, { retentionMs: -1, retentionBytes: -1 });
    const writer = new PartitionWriter(store, ref);
    writer.registerProducer(PRODUCER);
    const values = await append(writer, 0, 150);
    const options = { topics: [ref.topic], ...COMPACTION };
    const first = await runMaintenance(store, options);
    expect(first[0]?.indexing?.indexesWritten).toBe(1);
    values.push(...(await append(writer, 150, 150)));
    const end = BigInt(values.length);

    // A consumer reads from the beginning while the second range is indexed and compacted, and then every
    // compacted original is deleted (grace period 0): each record exactly once, in order.
    const reader = new PartitionReader(store, ref);
    const head = await readFrom(reader, 0n, 40n);
    const maintain = async () => {
      const indexed = await runMaintenance(store, options);
      return { indexed, deleted: await runMaintenance(store, { ...options, graceMs: 0 }) };
    };
    const [rest, { indexed: second, deleted: third }] = await Promise.all([
      readUntil(reader, head.next, end),
      maintain(),
    ]);
    expect([...head.values, ...rest]).toEqual(values);
    expect(second[0]?.indexing?.indexesWritten).toBe(1);
    expect(third[0]?.indexing?.deletedOriginals).toBeGreaterThan(250);
    const meta = (await readPartitionMeta(store, ref))!.meta;
    expect(meta.indexedEndOffset).toBe(end - BigInt(RECORDS_PER_SEGMENT));
    const dataKeys = await keysUnder(store, dataSegmentsPrefix(ref));
    expect(dataKeys.length).toBeGreaterThan(10);
    expect(dataKeys.length).toBeLessThan(60);
    // And a new reader from the beginning, after the originals are gone.
    expect(await readUntil(new PartitionReader(store, ref), 0n, end)).toEqual(values);

    // Tail discovery lists only the unindexed segment; stats count the data/ segments, not the deleted originals.
    const counting = new CountingObjectStore(store);
    expect(await discoverTail(counting, ref)).toBe(end);
    expect(counting.counts().list).toBe(1);
    const stats = await partitionStats(store, ref);
    expect(stats.latestOffset).toBe(end);
    expect(stats.segments).toBe(dataKeys.length + 1);

    // A retry of an acknowledged batch reaches a writer that never saw it: the index's producer table answers.
    const late = new PartitionWriter(store, ref);
    const retried = await late.append({
      records: recordsOf(['r296-0', 'r296-1'], Date.now()),
      producerId: PRODUCER,
      baseSequence: 296 * RECORDS_PER_SEGMENT,
    });
    expect(retried).toEqual({ baseOffset: 592n, lastOffset: 593n, duplicate: true });
    const fresh = await late.append({
      records: recordsOf(['n0', 'n1'], Date.now()),
      producerId: PRODUCER,
      baseSequence: 600,
    });
    expect(fresh).toEqual({ baseOffset: end, lastOffset: end + 1n, duplicate: false });
    values.push('n0', 'n1');

    // Retention by bytes moves the log start into the compacted range and deletes what lies below it.
    await alterTopicConfig(store, ref.topic, { retentionBytes: Math.floor(stats.bytes / 3) });
    const retained = await runMaintenance(store, { topics: [ref.topic], ...COMPACTION });
    const logStart = retained[0]!.logStartAfter;
    expect(logStart).toBeGreaterThan(0n);
    expect(logStart).toBeLessThan(meta.indexedEndOffset);
    const dataLeft = await keysUnder(store, dataSegmentsPrefix(ref));
    expect(dataLeft.length).toBeLessThan(dataKeys.length);
    for (const key of dataLeft) expect(parseDataSegmentKey(ref, key)!.endOffset).toBeGreaterThan(logStart);
    const indexesLeft = await keysUnder(store, indexesPrefix(ref));
    expect(indexesLeft).toEqual([meta.newestIndex]);
    const newest = decodePartitionIndex((await store.get(meta.newestIndex!))!.body, meta.newestIndex!);
    expect(newest.endOffset).toBeGreaterThan(logStart);
    await expect(new PartitionReader(store, ref).read(0n)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    const after = await readUntil(new PartitionReader(store, ref), logStart, end + 2n);
    expect(after).toEqual(values.slice(Number(logStart)));
  });
});
