/** Small builders shared by the partition-log tests. */
import type { LogRecord } from '../../sdk/format/segment.js';
import { createTopic, type TopicDescription } from '../../sdk/log/topics.js';
import type { PartitionRef } from '../../sdk/store/keys.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';

export function recordsOf(values: readonly string[], timestamp = 1_700_000_000_000): LogRecord[] {
  return values.map((value, index) => ({
    key: Buffer.from(`k${index}`),
    value: Buffer.from(value),
    headers: [{ key: 'h', value: Buffer.from(String(index)) }],
    timestamp: timestamp + index,
  }));
}

export async function topicWithOnePartition(
  store: ObjectStore,
  name = `t-${Math.random().toString(36).slice(2, 10)}`,
): Promise<{ topic: TopicDescription; ref: PartitionRef }> {
  const topic = await createTopic(store, name, { partitions: 1 });
  return { topic, ref: { topic: topic.name, topicId: topic.topicId, partition: 0 } };
}

/** A promise with its resolve function, for ordering requests in fault-injection tests. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
