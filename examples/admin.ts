/**
 * Topic administration with the kafkajs-shaped Admin: create a topic, describe it, change its retention, add
 * partitions and read its offsets. Runs against the embedded store (`$KLOG_HOME`, else `~/.klog`):
 *
 *   npm run build && node dist/examples/admin.js
 *
 * In an application, import from 'klog' instead of '../sdk/index.js'.
 */
import { ConfigResourceTypes, Klog } from '../sdk/index.js';

const topic = process.argv[2] ?? 'example-admin';
const klog = new Klog({ clientId: 'example-admin' });
const admin = klog.admin();
await admin.connect();

const created = await admin.createTopics({
  topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: String(24 * 60 * 60 * 1000) }] }],
});
console.log(`store: ${klog.url}`);
console.log(created ? `created topic ${topic}` : `topic ${topic} already existed`);

await admin.alterConfigs({
  resources: [
    { type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
  ],
});
const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
for (const entry of resources[0]?.configEntries ?? []) {
  console.log(`  ${entry.configName} = ${entry.configValue}${entry.isDefault ? ' (default)' : ''}`);
}

const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
const partitions = metadata?.partitions.length ?? 0;
if (partitions < 3) await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] });

for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
  console.log(`  partition ${partition}: offsets ${low}..${high}`);
}
console.log(`topics: ${(await admin.listTopics()).join(', ')}`);

await admin.disconnect();
await klog.close();
