/**
 * Produce records and read them back with the kafkajs-shaped Producer and Consumer. Runs against the
 * embedded store (`$KLOG_HOME`, else `~/.klog`), which keeps its records between runs:
 *
 *   npm run build && node dist/examples/produce-consume.js [topic]
 *
 * In an application, import from 'klog' instead of '../sdk/index.js'.
 */
import { Klog, logLevel } from '../sdk/index.js';

const topic = process.argv[2] ?? 'example-orders';
const klog = new Klog({ clientId: 'example-produce-consume', logLevel: logLevel.WARN });
console.log(`store: ${klog.url}`);

const admin = klog.admin();
await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
// The embedded store keeps earlier runs' records: note where each partition ends now, and read from there.
const before = await admin.fetchTopicOffsets(topic);

const producer = klog.producer();
await producer.connect();
const messages = Array.from({ length: 9 }, (_, index) => ({
  key: `customer-${index % 3}`,
  value: JSON.stringify({ order: index, amountCents: (index + 1) * 250 }),
  headers: { source: 'example' },
}));
// One send of keyed messages: each key always goes to the same partition (Kafka's murmur2 partitioner).
for (const sent of await producer.send({ topic, messages })) {
  console.log(`sent to partition ${sent.partition}, first offset ${sent.baseOffset}`);
}
await producer.disconnect();

const consumer = klog.consumer();
await consumer.connect();
consumer.assign([{ topic }]);
for (const { partition, offset } of before) consumer.seek({ topic, partition, offset });

let received = 0;
let allReceived!: () => void;
const done = new Promise<void>((resolve) => {
  allReceived = resolve;
});
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    console.log(`received ${partition}@${message.offset} ${message.key?.toString()} ${message.value?.toString()}`);
    if (++received === messages.length) allReceived();
  },
});
await done;
await consumer.disconnect();

const counters = klog.counters();
console.log(
  `records sent ${counters.recordsSent}, received ${counters.recordsReceived}; store requests: ` +
    `${counters.requests.put} PUT, ${counters.requests.get} GET, ${counters.requests.list} LIST`,
);
await klog.close();
