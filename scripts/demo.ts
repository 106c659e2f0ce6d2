/**
 * klog's main job on the embedded default, until the CLI lands: produce keyed records to a topic and consume
 * them back with the SDK. `npm run demo` (after `npm ci`); KLOG_HOME picks another folder, KLOG_URL another store.
 */
import { Klog } from '../sdk/index.js';

const topic = process.argv[2] ?? 'quickstart';
const records = 3_000;
const klog = new Klog();
const admin = klog.admin();
const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
console.log(`store: ${klog.url}`);
console.log(`topic: ${topic} (${created ? 'created' : 'exists'}, 3 partitions)`);

// Read only this run's records: remember where each partition ends now.
const startOffsets = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));

const started = performance.now();
const producer = klog.producer();
const metadata = await producer.send({
  topic,
  messages: Array.from({ length: records }, (_, index) => ({
    key: `customer-${index % 10}`,
    value: `hello from klog, record ${index}`,
    headers: { source: 'demo' },
  })),
});
await producer.disconnect();
for (const { partition, baseOffset } of metadata)
  console.log(`sent to partition ${partition} from offset ${baseOffset}`);

const consumer = klog.consumer();
await consumer.assign([{ topic }]);
for (const [partition, offset] of startOffsets) consumer.seek({ topic, partition, offset });
let received = 0;
let last = '';
await new Promise<void>((resolve) => {
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      received++;
      last = `partition ${partition} offset ${message.offset}: ${message.key?.toString()} = ${message.value?.toString()}`;
      if (received === records) resolve();
    },
  });
});
await consumer.disconnect();
const seconds = (performance.now() - started) / 1000;
console.log(`consumed ${received} of ${records} records in ${seconds.toFixed(2)} s; last: ${last}`);
console.log('counters:', JSON.stringify(klog.counters()));
await klog.close();
