/**
 * The `--topic` of `klog group reset-offsets`, as kafka-consumer-groups takes it: `orders` for every partition of
 * the topic, or `orders:0,2` for some of them. The topic name itself is checked by the SDK.
 */
import { KlogError } from '../sdk/errors.js';

export interface TopicPartitions {
  topic: string;
  /** The partitions named after the colon, in the order given; undefined for all of them. */
  partitions?: number[];
}

export function parseTopicPartitions(text: string): TopicPartitions {
  const colon = text.indexOf(':');
  if (colon === -1) return { topic: text };
  const topic = text.slice(0, colon);
  const list = text.slice(colon + 1).split(',');
  if (topic === '' || list.some((part) => !/^\s*\d+\s*$/.test(part))) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `--topic takes a topic name, optionally followed by a colon and partition numbers (orders or orders:0,2); ` +
        `got "${text}".`,
      { context: { topic: text } },
    );
  }
  return { topic, partitions: [...new Set(list.map(Number))] };
}
