/**
 * CPU time per record of the SDK's message path, without a network or a server: a producer and then a consumer
 * (`eachBatch`, 64 MiB buffered as in bench/compare) over the in-memory store, 100 B records, 4 partitions.
 * CPU time rather than wall time, and the best of several rounds, because it varies far less than throughput on
 * a shared machine; `--single-threaded-gc` keeps garbage collection on the main thread, so that it is counted.
 *
 *   npm run build && node --single-threaded-gc dist/bench/message-path-cpu.js [--records 1000000] [--rounds 4]
 */
import { parseArgs } from 'node:util';
import { Klog } from '../sdk/client/klog.js';
import { MemoryObjectStore } from '../sdk/store/memory-object-store.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '4' },
  },
});
const totalRecords = Number(args.records);
const rounds = Number(args.rounds);
const SEND_SIZE = 10_000;

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

async function produce(klog: Klog, topic: string): Promise<number> {
  const producer = klog.producer({ lingerMs: 20 });
  const value = Buffer.alloc(100, 7);
  const messages = Array.from({ length: SEND_SIZE }, () => ({ value }));
  const started = process.cpuUsage();
  const inFlight: Promise<unknown>[] = [];
  for (let sent = 0; sent < totalRecords; sent += SEND_SIZE) {
    inFlight.push(producer.send({ topic, messages }));
    if (inFlight.length >= 16) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.flush();
  const micros = cpuMicros(started);
  await producer.disconnect();
  return micros / totalRecords;
}

async function consume(klog: Klog, topic: string): Promise<number> {
  const consumer = klog.consumer({ maxBytes: 64 * 1024 * 1024, maxBytesPerPartition: 8 * 1024 * 1024 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let received = 0;
  const started = process.cpuUsage();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        received += batch.messages.length;
        if (received >= totalRecords) resolve();
      },
    });
  });
  const micros = cpuMicros(started);
  await consumer.disconnect();
  return micros / totalRecords;
}

let bestProduce = Number.POSITIVE_INFINITY;
let bestConsume = Number.POSITIVE_INFINITY;
for (let round = 0; round < rounds; round++) {
  const klog = new Klog({ store: new MemoryObjectStore() });
  const topic = `cpu-${round}`;
  await klog.admin().createTopics({ topics: [{ topic, numPartitions: 4 }] });
  bestProduce = Math.min(bestProduce, await produce(klog, topic));
  bestConsume = Math.min(bestConsume, await consume(klog, topic));
  await klog.close();
}
console.log(`${totalRecords.toLocaleString('en-US')} records of 100 B, best of ${rounds} rounds, CPU time per record:`);
console.log(
  `  producer ${bestProduce.toFixed(3)} µs (${Math.round(1e6 / bestProduce).toLocaleString('en-US')}/s of CPU)`,
);
console.log(
  `  consumer ${bestConsume.toFixed(3)} µs (${Math.round(1e6 / bestConsume).toLocaleString('en-US')}/s of CPU)`,
);
