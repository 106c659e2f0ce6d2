/**
 * The raw object-store baseline (design brief §9): how many conditional PUTs (`If-None-Match: *`, klog's
 * append) this machine gets into a throwaway local MinIO, with no log on top. It is the physical limit the
 * partition log's numbers are compared with.
 *
 * Each case is measured three ways: (a) the stock `@aws-sdk/client-s3` PutObjectCommand, configured as klog's
 * S3ObjectStore used to configure it (over http the SDK hashes the payload for SigV4), (b) the minimal signed
 * PUT of bench/signed-put.ts (UNSIGNED-PAYLOAD over node:http), and (c) klog's own S3ObjectStore.put, a
 * conditional create with the outcome mapping the partition log relies on. CPU is this process's only
 * (process.cpuUsage()); MinIO's own CPU is not counted, but it runs on the same machine and competes for it.
 * MB are 10^6 bytes.
 *
 *   npm run build && node dist/bench/put-baseline.js [--size 1MiB,1KiB] [--concurrency 1,4]
 *                                                    [--seconds 10] [--count 5000] [--json]
 *
 * A case stops after `--seconds` or `--count` objects, whichever comes first.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type BenchMinio, benchS3Client, benchSignedClient, benchStore, startBenchMinio } from './bench-minio.js';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1MiB' },
    concurrency: { type: 'string', default: '1,4' },
    seconds: { type: 'string', default: '10' },
    count: { type: 'string', default: '5000' },
    json: { type: 'boolean', default: false },
  },
});

/** A way to PUT one object; it throws unless the object was stored. */
interface Putter {
  method: string;
  put(key: string, body: Uint8Array): Promise<void>;
  close(): void;
}

interface Result {
  sizeBytes: number;
  concurrency: number;
  method: string;
  objects: number;
  seconds: number;
  objectsPerSecond: number;
  megabytesPerSecond: number;
  cpuMsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
}

const WARMUP_PUTS_PER_LANE = 3;

function parseSize(text: string): number {
  const match = /^(\d+)\s*(B|KiB|MiB)?$/i.exec(text.trim());
  if (match?.[1] === undefined) throw new Error(`--size takes sizes such as 1KiB, 1MiB or 4096, not "${text}".`);
  const unit = (match[2] ?? 'B').toLowerCase();
  return Number(match[1]) * (unit === 'mib' ? 1024 * 1024 : unit === 'kib' ? 1024 : 1);
}

function parseCounts(text: string, flag: string): number[] {
  const counts = text.split(',').map(Number);
  if (counts.some((count) => !Number.isSafeInteger(count) || count < 1)) {
    throw new Error(`${flag} takes positive whole numbers separated by commas, not "${text}".`);
  }
  return counts;
}

function formatSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

function sdkPutter(minio: BenchMinio): Putter {
  const { client, agent } = benchS3Client(minio);
  return {
    method: 'aws-sdk PutObjectCommand',
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket: minio.bucket, Key: key, Body: body, IfNoneMatch: '*' }));
    },
    close() {
      client.destroy();
      agent.destroy();
    },
  };
}

function signedPutter(minio: BenchMinio): Putter {
  const client = benchSignedClient(minio);
  return {
    method: 'signed PUT, UNSIGNED-PAYLOAD',
    async put(key, body) {
      const { status } = await client.put(key, body, { 'if-none-match': '*' });
      if (status !== 200) throw new Error(`The signed PUT of ${key} answered ${status}.`);
    },
    close: () => client.close(),
  };
}

function storePutter(minio: BenchMinio): Putter {
  const store = benchStore(minio);
  return {
    method: 'S3ObjectStore.put',
    async put(key, body) {
      const outcome = await store.put(key, body, { ifNoneMatch: '*' });
      if (outcome.kind !== 'done') throw new Error(`S3ObjectStore.put of ${key} came back ${outcome.kind}.`);
    },
    close: () => void store.close(),
  };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

/** Runs `lanes` loops of PUTs on fresh keys until the time or the count runs out. */
async function runLanes(putter: Putter, body: Uint8Array, lanes: number, until: () => boolean): Promise<number[]> {
  const prefix = `baseline-${randomUUID()}`;
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (!until()) {
        const key = `${prefix}/${next++}`;
        const started = performance.now();
        await putter.put(key, body);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

async function measure(putter: Putter, sizeBytes: number, concurrency: number): Promise<Result> {
  const body = new Uint8Array(randomBytes(sizeBytes));
  let warmups = 0;
  await runLanes(putter, body, concurrency, () => warmups++ >= WARMUP_PUTS_PER_LANE * concurrency);

  const limitMs = Number(args.seconds) * 1000;
  const limitCount = Number(args.count);
  let issued = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const latencies = await runLanes(
    putter,
    body,
    concurrency,
    () => issued++ >= limitCount || performance.now() - started >= limitMs,
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const objects = latencies.length;
  return {
    sizeBytes,
    concurrency,
    method: putter.method,
    objects,
    seconds,
    objectsPerSecond: objects / seconds,
    megabytesPerSecond: (objects * sizeBytes) / seconds / 1e6,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / objects,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

function printTable(results: Result[]): void {
  const header = ['size', 'concurrency', 'method', 'objects/s', 'MB/s', 'CPU ms/req', 'p50 ms', 'p99 ms'];
  const rows = results.map((result) => [
    formatSize(result.sizeBytes),
    String(result.concurrency),
    result.method,
    result.objectsPerSecond.toFixed(0),
    result.megabytesPerSecond.toFixed(1),
    result.cpuMsPerRequest.toFixed(2),
    result.p50Ms.toFixed(1),
    result.p99Ms.toFixed(1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

const sizes = args.size.split(',').map(parseSize);
const concurrencies = parseCounts(args.concurrency, '--concurrency');
parseCounts(args.count, '--count');

const minio = await startBenchMinio();
const putters = [sdkPutter(minio), signedPutter(minio), storePutter(minio)];
try {
  const results: Result[] = [];
  for (const sizeBytes of sizes) {
    for (const concurrency of concurrencies) {
      for (const putter of putters) {
        results.push(await measure(putter, sizeBytes, concurrency));
        if (!args.json) process.stderr.write('.');
      }
    }
  }
  if (args.json) {
    console.log(
      JSON.stringify({ node: process.version, cpus: cpus().length, endpoint: 'local MinIO', results }, null, 2),
    );
  } else {
    process.stderr.write('\n');
    printTable(results);
  }
} finally {
  for (const putter of putters) putter.close();
  await minio.stop();
}
