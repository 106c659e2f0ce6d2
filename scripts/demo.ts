/**
 * klog's main job on the embedded default, until the CLI lands: create a topic, append records to each of its
 * partitions, and read them all back. `npm run demo` (after `npm ci`); set KLOG_HOME to use another folder.
 */
import {
  createTopic,
  defaultStoreUrl,
  getTopic,
  type LogRecord,
  openObjectStore,
  PartitionReader,
  PartitionWriter,
  partitionRefs,
  randomProducerId,
  topicStats,
} from '../sdk/index.js';

const topicName = process.argv[2] ?? 'quickstart';
const recordsPerPartition = 1_000;
const url = defaultStoreUrl();
const store = openObjectStore(url);

const topic = (await getTopic(store, topicName)) ?? (await createTopic(store, topicName, { partitions: 3 }));
console.log(`store: ${url}`);
console.log(`topic: ${topic.name} (${topic.partitions} partitions, id ${topic.topicId})`);

const started = performance.now();
for (const ref of partitionRefs(topic)) {
  const writer = new PartitionWriter(store, ref, { maxMessageBytes: topic.config.maxMessageBytes });
  const producerId = randomProducerId();
  writer.registerProducer(producerId);
  const records: LogRecord[] = Array.from({ length: recordsPerPartition }, (_, index) => ({
    key: Buffer.from(`key-${index % 10}`),
    value: Buffer.from(`hello from klog, record ${index} of partition ${ref.partition}`),
    headers: [{ key: 'source', value: Buffer.from('demo') }],
    timestamp: Date.now(),
  }));
  const half = recordsPerPartition / 2;
  const first = await writer.append({ records: records.slice(0, half), producerId, baseSequence: 0 });
  const second = await writer.append({ records: records.slice(half), producerId, baseSequence: half });
  console.log(
    `appended ${recordsPerPartition} records to partition ${ref.partition}: offsets ${first.baseOffset}..${second.lastOffset}`,
  );
}

let read = 0;
let sample = '';
for (const ref of partitionRefs(topic)) {
  const reader = new PartitionReader(store, ref);
  let offset = await reader.earliestOffset();
  const end = await reader.latestOffset();
  while (offset < end) {
    const result = await reader.read(offset);
    read += result.records.length;
    const last = result.records.at(-1);
    if (last !== undefined) sample = `${ref.partition}@${last.offset} ${Buffer.from(last.value ?? []).toString()}`;
    offset = result.nextOffset;
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`read back ${read} records (every record in the topic) in ${seconds.toFixed(2)} s; last: ${sample}`);
for (const stats of await topicStats(store, topic)) {
  console.log(
    `partition ${stats.partition}: offsets ${stats.earliestOffset}..${stats.latestOffset}, ${stats.segments} segments, ${stats.bytes} bytes`,
  );
}
await store.close();
