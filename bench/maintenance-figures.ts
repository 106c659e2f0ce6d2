/**
 * The figures of issue 6 on a throwaway local MinIO, counted with CountingObjectStore: (a) LIST calls for cold tail
 * discovery on a partition of many small segments, before and after index objects; (b) object-store GETs per MiB
 * for a consumer (a PartitionReader reading 1 MiB at a time) catching up from the beginning, before and after
 * compaction. Maintenance runs with default settings (16-segment minimum, 1,000 segments per index, 32 MiB
 * compaction target), then once more with a zero grace period so the compacted `log/` originals are gone.
 *
 *   npm run build && node dist/bench/maintenance-figures.js [--segments 10000] [--record-bytes 1024] [--json]
 *
 * The partition is a fixture, not a measurement: its segments (one record each, at consecutive offsets) are
 * created directly with encodeSegment, several PUTs in flight, as many writers on distinct offsets would.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { encodeBatch, encodeSegment } from '../sdk/format/segment.js';
import { readPartitionMeta } from '../sdk/log/partition-meta.js';
import { PartitionReader } from '../sdk/log/partition-reader.js';
import { discoverTail } from '../sdk/log/tail.js';
import { createTopic } from '../sdk/log/topics.js';
import { runMaintenance } from '../sdk/maintenance/run-maintenance.js';
import { CountingObjectStore, type RequestCounts } from '../sdk/store/counting-object-store.js';
import { type PartitionRef, segmentKey } from '../sdk/store/keys.js';
import type { ObjectStore } from '../sdk/store/object-store.js';
import { benchStore, startBenchMinio } from './bench-minio.js';

const { values: args } = parseArgs({
  options: {
    segments: { type: 'string', default: '10000' },
    'record-bytes': { type: 'string', default: '1024' },
    json: { type: 'boolean', default: false },
  },
});

const FIXTURE_PUTS_IN_FLIGHT = 32;
const MIB = 1024 * 1024;

interface ReadFigure {
  gets: number;
  mib: number;
  getsPerMib: number;
  seconds: number;
}

/** Creates `count` one-record segments at offsets 0..count-1, as committed appends would. */
async function writeFixture(store: ObjectStore, ref: PartitionRef, count: number, recordBytes: number) {
  let next = 0;
  const lane = async () => {
    for (let offset = next++; offset < count; offset = next++) {
      const batch = encodeBatch([{ key: null, value: randomBytes(recordBytes), headers: [], timestamp: Date.now() }], {
        producerId: 0n,
        baseSequence: -1,
        writerEpoch: 0,
      });
      const outcome = await store.put(segmentKey(ref, BigInt(offset)), encodeSegment(BigInt(offset), [batch]), {
        ifNoneMatch: '*',
      });
      if (outcome.kind !== 'done') throw new Error(`fixture segment ${offset} was not created: ${outcome.kind}`);
    }
  };
  await Promise.all(Array.from({ length: FIXTURE_PUTS_IN_FLIGHT }, lane));
}

async function tailDiscoveryLists(store: ObjectStore, ref: PartitionRef, expected: bigint): Promise<number> {
  const counting = new CountingObjectStore(store);
  const tail = await discoverTail(counting, ref);
  if (tail !== expected) throw new Error(`tail discovery found ${tail}, expected ${expected}`);
  return counting.counts().list;
}

async function catchUp(store: ObjectStore, ref: PartitionRef, end: bigint): Promise<ReadFigure> {
  const counting = new CountingObjectStore(store);
  const reader = new PartitionReader(counting, ref);
  const started = performance.now();
  let offset = 0n;
  let records = 0;
  while (offset < end) {
    const read = await reader.read(offset, { maxBytes: MIB });
    if (read.nextOffset === offset) throw new Error(`the reader made no progress at offset ${offset}`);
    records += read.records.length;
    offset = read.nextOffset;
  }
  if (BigInt(records) !== end) throw new Error(`the reader returned ${records} records, expected ${end}`);
  const counts: RequestCounts = counting.counts();
  const mib = counts.bytesRead / MIB;
  return {
    gets: counts.get,
    mib: round(mib, 2),
    getsPerMib: round(counts.get / mib, 1),
    seconds: round((performance.now() - started) / 1000, 1),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

async function main(): Promise<void> {
  const segments = Number(args.segments);
  const recordBytes = Number(args['record-bytes']);
  const minio = await startBenchMinio();
  try {
    const store = benchStore(minio);
    const topic = await createTopic(store, 'figures', { partitions: 1 });
    const ref: PartitionRef = { topic: topic.name, topicId: topic.topicId, partition: 0 };
    const end = BigInt(segments);
    let started = performance.now();
    await writeFixture(store, ref, segments, recordBytes);
    const fixtureSeconds = round((performance.now() - started) / 1000, 1);

    const listsBefore = await tailDiscoveryLists(store, ref, end);
    const readBefore = await catchUp(store, ref, end);

    started = performance.now();
    await runMaintenance(store, { topics: [topic.name] });
    await runMaintenance(store, { topics: [topic.name], graceMs: 0 });
    const maintenanceSeconds = round((performance.now() - started) / 1000, 1);
    const meta = (await readPartitionMeta(store, ref))?.meta;

    const listsAfter = await tailDiscoveryLists(store, ref, end);
    const readAfter = await catchUp(store, ref, end);

    const figures = {
      store: 'MinIO (local, scripts/minio.mjs)',
      segments,
      recordBytes,
      indexedEndOffset: meta?.indexedEndOffset.toString() ?? null,
      fixtureSeconds,
      maintenanceSeconds,
      tailDiscoveryLists: { before: listsBefore, after: listsAfter },
      catchUpGets: { before: readBefore, after: readAfter },
    };
    if (args.json) {
      console.log(JSON.stringify(figures, null, 2));
      return;
    }
    console.log(`${segments} segments of one ${recordBytes}-byte record on ${figures.store}`);
    console.log(
      `fixture written in ${fixtureSeconds} s; maintenance (index + compaction, then originals) ${maintenanceSeconds} s`,
    );
    console.log(`indexed end after maintenance: ${figures.indexedEndOffset}`);
    console.log('| figure | before | after |');
    console.log('|---|---:|---:|');
    console.log(`| LIST calls for cold tail discovery | ${listsBefore} | ${listsAfter} |`);
    console.log(
      `| GETs for a consumer reading from the beginning (1 MiB reads) | ${readBefore.gets} | ${readAfter.gets} |`,
    );
    console.log(`| MiB read | ${readBefore.mib} | ${readAfter.mib} |`);
    console.log(`| GETs per MiB | ${readBefore.getsPerMib} | ${readAfter.getsPerMib} |`);
    console.log(`| catch-up time (s) | ${readBefore.seconds} | ${readAfter.seconds} |`);
  } finally {
    await minio.stop();
  }
}

await main();
