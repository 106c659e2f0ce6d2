/**
 * Append throughput of the partition log against a throwaway MinIO: 1 KiB records in 1 MiB batches, with one
 * writer, four writers on one partition (they contend for every offset) and four writers on four partitions.
 * A script, not a test: `npm run build && node dist/bench/append-throughput.js [--seconds 10] [--json]`.
 * Compare with `node dist/bench/put-baseline.js`, the raw PutObject rate for objects of the same size.
 */
import { parseArgs } from 'node:util';
import type { LogRecord } from '../sdk/format/segment.js';
import { PartitionWriter } from '../sdk/log/partition-writer.js';
import { randomProducerId } from '../sdk/log/producer-state.js';
import { createTopic, partitionRefs } from '../sdk/log/topics.js';
import { CountingObjectStore } from '../sdk/store/counting-object-store.js';
import { type BenchMinio, benchStore, startBenchMinio } from './bench-minio.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'record-bytes': { type: 'string', default: '1024' },
    'batch-bytes': { type: 'string', default: String(1024 * 1024) },
    json: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const recordBytes = Number(args['record-bytes']);
const recordsPerBatch = Math.floor(Number(args['batch-bytes']) / recordBytes);

function batchOf(index: number): LogRecord[] {
  const value = Buffer.alloc(recordBytes, index % 251);
  return Array.from({ length: recordsPerBatch }, () => ({ key: null, value, headers: [], timestamp: Date.now() }));
}

interface Result {
  scenario: string;
  writers: number;
  partitions: number;
  batches: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  requestsPerBatch: number;
  cpuMsPerBatch: number;
}

async function run(minio: BenchMinio, scenario: string, writers: number, partitions: number): Promise<Result> {
  const store = new CountingObjectStore(benchStore(minio));
  const topic = await createTopic(store, 'bench', { partitions });
  const refs = partitionRefs(topic);
  const batch = batchOf(1);
  const before = store.counts();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let batches = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, index) => {
      const writer = new PartitionWriter(store, refs[index % partitions]!);
      const producerId = randomProducerId();
      writer.registerProducer(producerId);
      for (let sequence = 0; performance.now() < deadline; sequence += recordsPerBatch) {
        await writer.append({ records: batch, producerId, baseSequence: sequence });
        batches++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const after = store.counts();
  const requests = (['get', 'head', 'put', 'list', 'delete'] as const).reduce(
    (sum, kind) => sum + after[kind] - before[kind],
    0,
  );
  await store.close();
  const records = batches * recordsPerBatch;
  return {
    scenario,
    writers,
    partitions,
    batches,
    recordsPerSecond: Math.round(records / elapsed),
    megabytesPerSecond: Number(((records * recordBytes) / elapsed / 1e6).toFixed(1)),
    requestsPerBatch: Number((requests / batches).toFixed(2)),
    cpuMsPerBatch: Number(((cpu.user + cpu.system) / 1000 / batches).toFixed(2)),
  };
}

const minio = await startBenchMinio();
try {
  const results = [
    await run(minio, '1 writer, 1 partition', 1, 1),
    await run(minio, '4 writers, 1 partition', 4, 1),
    await run(minio, '4 writers, 4 partitions', 4, 4),
  ];
  if (args.json) {
    console.log(JSON.stringify({ recordBytes, recordsPerBatch, seconds, results }, null, 2));
  } else {
    console.log(
      `records of ${recordBytes} B, ${recordsPerBatch} per batch, ${seconds} s per scenario, MinIO on 127.0.0.1`,
    );
    console.table(results);
  }
} finally {
  await minio.stop();
}
