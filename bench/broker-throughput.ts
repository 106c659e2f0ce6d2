/**
 * Produce throughput through a broker (`klog broker start` in a child process, remote mode over HTTP) versus direct
 * mode (the producer writes to the object store itself), on a throwaway MinIO: the same records, the same producer
 * settings, one producer process. Reports records/s, MB/s, the segments each mode wrote, and the ratio.
 * A script, not a test: `npm run build && node dist/bench/broker-throughput.js [--records 200000] [--json]`.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Klog } from '../sdk/client/klog.js';
import { type BenchMinio, benchStore, startBenchMinio } from './bench-minio.js';
import { startBrokerProcess } from './broker-process.js';

// The AWS SDK warns on every run under Node 20 about its releases after January 2027; klog pins its version.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    'record-bytes': { type: 'string', default: '1024' },
    partitions: { type: 'string', default: '4' },
    'linger-ms': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
const totalRecords = Number(args.records);
const recordBytes = Number(args['record-bytes']);
const partitions = Number(args.partitions);
const lingerMs = Number(args['linger-ms']);

interface ModeResult {
  mode: 'direct' | 'broker';
  records: number;
  seconds: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  /** Segment objects the run left in the store: one PUT each (plus one meta GET to acknowledge). */
  segments: number;
}

/** Sends `totalRecords` records through one producer, 16 sends of 10,000 in flight, as bench/sdk-throughput.ts. */
async function produce(klog: Klog, mode: ModeResult['mode'], topic: string): Promise<Omit<ModeResult, 'segments'>> {
  await klog.admin().createTopics({ topics: [{ topic, numPartitions: partitions }] });
  const producer = klog.producer({ lingerMs });
  const value = Buffer.alloc(recordBytes, 7);
  const chunk = 10_000;
  const messages = Array.from({ length: chunk }, () => ({ value }));
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let sent = 0; sent < totalRecords; sent += chunk) {
    inFlight.push(producer.send({ topic, messages: messages.slice(0, Math.min(chunk, totalRecords - sent)) }));
    if (inFlight.length >= 16) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.flush();
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return {
    mode,
    records: totalRecords,
    seconds: round(seconds, 2),
    recordsPerSecond: Math.round(totalRecords / seconds),
    megabytesPerSecond: round((totalRecords * recordBytes) / 1e6 / seconds),
  };
}

async function segmentCount(minio: BenchMinio, prefix: string): Promise<number> {
  const store = benchStore(minio, prefix);
  try {
    const keys = await store.list('topics/');
    return keys.filter((object) => object.key.endsWith('.seg')).length;
  } finally {
    await store.close();
  }
}

async function direct(minio: BenchMinio): Promise<ModeResult> {
  const prefix = `bench-direct-${randomUUID()}`;
  const klog = new Klog({ store: benchStore(minio, prefix) });
  try {
    return { ...(await produce(klog, 'direct', 'throughput')), segments: await segmentCount(minio, prefix) };
  } finally {
    await klog.close();
  }
}

async function broker(minio: BenchMinio): Promise<ModeResult> {
  const prefix = `bench-broker-${randomUUID()}`;
  const brokerProcess = await startBrokerProcess({
    storeUrl: `s3://${minio.bucket}/${prefix}`,
    env: {
      AWS_ENDPOINT_URL_S3: minio.endpoint,
      AWS_ACCESS_KEY_ID: minio.accessKeyId,
      AWS_SECRET_ACCESS_KEY: minio.secretAccessKey,
      AWS_REGION: minio.region,
    },
  });
  const klog = new Klog({ url: brokerProcess.url });
  try {
    return { ...(await produce(klog, 'broker', 'throughput')), segments: await segmentCount(minio, prefix) };
  } finally {
    await klog.close();
    await brokerProcess.stop();
  }
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

const minio = await startBenchMinio();
try {
  const results = [await direct(minio), await broker(minio)];
  const [directResult, brokerResult] = results as [ModeResult, ModeResult];
  const ratio = round(brokerResult.recordsPerSecond / directResult.recordsPerSecond, 2);
  if (args.json) {
    console.log(JSON.stringify({ recordBytes, partitions, lingerMs, results, ratio }, null, 2));
  } else {
    console.log(
      `one producer process, ${totalRecords} records of ${recordBytes} B, ${partitions} partitions, ` +
        `lingerMs ${lingerMs}, MinIO on 127.0.0.1; broker: klog broker start in a child process`,
    );
    console.table(results);
    console.log(`broker / direct throughput: ${ratio}`);
  }
} finally {
  await minio.stop();
}
