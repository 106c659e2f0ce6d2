/**
 * The SDK against a throwaway MinIO: producer records/s and MB/s for 100 B and 1 KiB records, object-store
 * PUTs per MB, consumer records/s, and end-to-end latency (send to delivery) at lingerMs 5 and 100.
 * A script, not a test: `npm run build && node dist/bench/sdk-throughput.js [--records 1000000] [--json]`.
 */
import { parseArgs } from 'node:util';
import { Klog } from '../sdk/client/klog.js';
import { type BenchMinio, benchStore, startBenchMinio } from './bench-minio.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    partitions: { type: 'string', default: '4' },
    'latency-seconds': { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const totalRecords = Number(args.records);
const partitions = Number(args.partitions);
const latencySeconds = Number(args['latency-seconds']);

interface ThroughputResult {
  recordBytes: number;
  records: number;
  producerRecordsPerSecond: number;
  producerMegabytesPerSecond: number;
  putsPerMegabyte: number;
  producerCpuPercent: number;
  consumerRecordsPerSecond: number;
  consumerMegabytesPerSecond: number;
  getsPerMegabyte: number;
}

async function throughput(minio: BenchMinio, recordBytes: number): Promise<ThroughputResult> {
  const klog = new Klog({ store: benchStore(minio) });
  const topic = `throughput-${recordBytes}`;
  await klog.admin().createTopics({ topics: [{ topic, numPartitions: partitions }] });
  const producer = klog.producer({ lingerMs: 20 });
  const value = Buffer.alloc(recordBytes, 7);
  const chunk = 10_000;
  const messages = Array.from({ length: chunk }, () => ({ value }));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let sent = 0; sent < totalRecords; sent += chunk) {
    inFlight.push(producer.send({ topic, messages }));
    if (inFlight.length >= 16) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.flush();
  const produceSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const afterProduce = klog.counters();
  await producer.disconnect();

  const consumer = klog.consumer({ maxBytes: 64 * 1024 * 1024, maxBytesPerPartition: 8 * 1024 * 1024 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let received = 0;
  const consumeStarted = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        received += batch.messages.length;
        if (received >= totalRecords) resolve();
      },
    });
  });
  const consumeSeconds = (performance.now() - consumeStarted) / 1000;
  await consumer.disconnect();
  const afterConsume = klog.counters();
  await klog.close();
  const megabytes = (totalRecords * recordBytes) / 1e6;
  return {
    recordBytes,
    records: totalRecords,
    producerRecordsPerSecond: Math.round(totalRecords / produceSeconds),
    producerMegabytesPerSecond: round(megabytes / produceSeconds),
    putsPerMegabyte: round(afterProduce.requests.put / megabytes, 2),
    producerCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (produceSeconds * 1000)) * 100),
    consumerRecordsPerSecond: Math.round(received / consumeSeconds),
    consumerMegabytesPerSecond: round(megabytes / consumeSeconds),
    getsPerMegabyte: round((afterConsume.requests.get - afterProduce.requests.get) / megabytes, 2),
  };
}

interface LatencyResult {
  lingerMs: number;
  messages: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** A producer sending one small record every millisecond and a consumer in the same process. */
async function latency(minio: BenchMinio, lingerMs: number): Promise<LatencyResult> {
  const klog = new Klog({ store: benchStore(minio) });
  const topic = `latency-${lingerMs}`;
  await klog.admin().createTopics({ topics: [{ topic, numPartitions: 1 }] });
  const consumer = klog.consumer({ idlePollMinMs: 5, idlePollMaxMs: 10 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const latencies: number[] = [];
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) latencies.push(now - Number(message.timestamp));
    },
  });
  const producer = klog.producer({ lingerMs });
  const deadline = Date.now() + latencySeconds * 1000;
  const sends: Promise<unknown>[] = [];
  while (Date.now() < deadline) {
    sends.push(producer.send({ topic, messages: [{ value: 'ping', timestamp: String(Date.now()) }] }));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(sends);
  await producer.disconnect();
  const sent = sends.length;
  const waitUntil = Date.now() + 10_000;
  while (latencies.length < sent && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 20));
  await consumer.disconnect();
  await klog.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { lingerMs, messages: latencies.length, p50Ms: at(0.5), p99Ms: at(0.99), p999Ms: at(0.999) };
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

const minio = await startBenchMinio();
try {
  const throughputs = [await throughput(minio, 100), await throughput(minio, 1024)];
  const latencies = [await latency(minio, 5), await latency(minio, 100)];
  if (args.json) {
    console.log(JSON.stringify({ partitions, throughputs, latencies }, null, 2));
  } else {
    console.log(`one producer process, ${partitions} partitions, MinIO on 127.0.0.1`);
    console.table(throughputs);
    console.table(latencies);
  }
} finally {
  await minio.stop();
}
