/**
 * Which partition a record goes to, as Kafka's default partitioner: an explicit partition wins; a keyed record
 * goes to `(murmur2(key) & 0x7fffffff) % numPartitions`, so a key lands where the Java client would put it;
 * keyless records stick to one partition until its batch is closed, then move to another one at random
 * (KIP-480), which gives fewer, larger batches than round-robin.
 *
 * A user may supply their own function instead, as kafkajs's `createPartitioner`; an explicit partition still
 * wins over it.
 */
import { KlogError } from '../errors.js';
import type { LogRecord } from '../format/segment.js';
import type { TopicDescription } from '../log/topics.js';
import type { Message } from './message.js';
import { partitionForKey } from './murmur2.js';

/** kafkajs's partition metadata, reduced to what klog knows (it has no brokers, leaders or replicas). */
export interface PartitionMetadata {
  partitionId: number;
  partitionErrorCode: number;
}

export interface PartitionerArgs {
  topic: string;
  partitionMetadata: PartitionMetadata[];
  message: Message;
}

/** kafkajs's `createPartitioner` option: called once per producer, returns the function called per message. */
export type ICustomPartitioner = () => (args: PartitionerArgs) => number;

/** Returned by `assign` for a keyless record: its partition is chosen when it is appended (see `sticky`). */
export const STICKY = -1;

export class Partitioner {
  private readonly custom: ((args: PartitionerArgs) => number) | null;
  /** Per topic id, the partition keyless records go to until its batch is closed. */
  private readonly current = new Map<string, number>();
  /** Per topic id, the partition whose batch was closed last: the next sticky choice avoids it. */
  private readonly previous = new Map<string, number>();
  private readonly metadataOf = new WeakMap<TopicDescription, PartitionMetadata[]>();

  constructor(createPartitioner?: ICustomPartitioner) {
    this.custom = createPartitioner === undefined ? null : createPartitioner();
  }

  /**
   * The partition for a record whose explicit partition (or -1) has been checked against the topic, or STICKY
   * when the default partitioner gets a record without a key.
   */
  assign(topic: TopicDescription, message: Message, record: LogRecord, explicit: number, index: number): number {
    if (explicit >= 0) return explicit;
    if (this.custom !== null) return this.callCustom(topic, message, index);
    if (record.key !== null) return partitionForKey(record.key, topic.partitions);
    return STICKY;
  }

  /** The partition keyless records of this topic go to now. */
  sticky(topic: TopicDescription): number {
    const current = this.current.get(topic.topicId);
    if (current !== undefined && current < topic.partitions) return current;
    const chosen = randomPartition(topic.partitions, this.previous.get(topic.topicId) ?? -1);
    this.current.set(topic.topicId, chosen);
    return chosen;
  }

  /** A batch of this partition was closed: if keyless records were sticking to it, they move on. */
  batchClosed(topicId: string, partition: number): void {
    if (this.current.get(topicId) !== partition) return;
    this.current.delete(topicId);
    this.previous.set(topicId, partition);
  }

  private callCustom(topic: TopicDescription, message: Message, index: number): number {
    let partitionMetadata = this.metadataOf.get(topic);
    if (partitionMetadata === undefined) {
      partitionMetadata = Array.from({ length: topic.partitions }, (_, partitionId) => ({
        partitionId,
        partitionErrorCode: 0,
      }));
      this.metadataOf.set(topic, partitionMetadata);
    }
    const partition: unknown = this.custom?.({ topic: topic.name, partitionMetadata, message });
    if (
      typeof partition !== 'number' ||
      !Number.isInteger(partition) ||
      partition < 0 ||
      partition >= topic.partitions
    ) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `The custom partitioner returned ${String(partition)} for message ${index} of topic "${topic.name}", which ` +
          `has ${topic.partitions} partitions: it must return an integer from 0 to ${topic.partitions - 1}.`,
        { context: { topic: topic.name, messageIndex: index } },
      );
    }
    return partition;
  }
}

/** A random partition other than `avoid` when there is a choice. */
function randomPartition(partitions: number, avoid: number): number {
  if (partitions <= 1) return 0;
  if (avoid < 0 || avoid >= partitions) return Math.floor(Math.random() * partitions);
  const pick = Math.floor(Math.random() * (partitions - 1));
  return pick >= avoid ? pick + 1 : pick;
}
