/**
 * The systems the comparison drives, behind one small interface, so that every workload runs the same code
 * against each: klog (direct to the object store, or through `klog broker start`) and Apache Kafka through
 * kafkajs. Both clients have kafkajs's API shape, so the adapters stay thin.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Klog } from '../../sdk/client/klog.js';
import type { RequestCounts } from '../../sdk/store/counting-object-store.js';

/** Where a workload child connects; serialised to JSON on its command line. */
export type SystemTarget =
  | { system: 'klog'; url: string }
  | { system: 'kafka'; brokers: string[]; idempotent: boolean; maxInFlightRequests: number | null };

export interface ProducerSettings {
  /** klog's `lingerMs`; kafkajs has no linger (each `send` is one request per broker). */
  lingerMs: number;
}

export interface BenchMessage {
  value: Buffer | string;
  timestamp?: string;
}

export interface BenchProducer {
  send(topic: string, messages: BenchMessage[]): Promise<unknown>;
  disconnect(): Promise<void>;
}

export interface BenchConsumer {
  /**
   * Starts delivering from the beginning of `topic`; `handle` gets each batch's records (timestamps in ms).
   * `onJoined` is called once the consumer may fetch: when Kafka's group join and sync are done, and for klog
   * (whose join is part of its first reads) when `run` starts.
   */
  run(topic: string, handle: (records: readonly { timestamp: string }[]) => void, onJoined?: () => void): Promise<void>;
  disconnect(): Promise<void>;
}

export interface BenchSystem {
  createTopic(topic: string, partitions: number): Promise<void>;
  producer(settings: ProducerSettings): Promise<BenchProducer>;
  consumer(groupId: string): Promise<BenchConsumer>;
  /** Object-store requests this process made so far, or null where the client does not see them. */
  requests(): RequestCounts | null;
  close(): Promise<void>;
}

/** Fetch sizes for both consumers: up to 8 MiB per partition and 64 MiB in all per round. */
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_BYTES_PER_PARTITION = 8 * 1024 * 1024;
const CONCURRENT_PARTITIONS = 4;

function klogSystem(url: string): BenchSystem {
  const klog = new Klog({ url });
  const remote = !url.startsWith('s3:');
  return {
    async createTopic(topic, partitions) {
      await klog.admin().createTopics({ topics: [{ topic, numPartitions: partitions }] });
    },
    async producer(settings) {
      const producer = klog.producer({ lingerMs: settings.lingerMs });
      return {
        send: (topic, messages) => producer.send({ topic, messages, acks: -1 }),
        async disconnect() {
          await producer.flush();
          await producer.disconnect();
        },
      };
    },
    async consumer(groupId) {
      const consumer = klog.consumer({
        groupId,
        maxBytes: MAX_BYTES,
        maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
        idlePollMinMs: 5,
        idlePollMaxMs: 10,
      });
      return {
        async run(topic, handle, onJoined) {
          await consumer.subscribe({ topics: [topic], fromBeginning: true });
          onJoined?.();
          await consumer.run({ eachBatch: async ({ batch }) => handle(batch.messages) });
        },
        disconnect: () => consumer.disconnect(),
      };
    },
    // Through a broker the store requests are the broker's, not this client's.
    requests: () => (remote ? null : klog.counters().requests),
    close: () => klog.close(),
  };
}

function kafkaSystem(target: Extract<SystemTarget, { system: 'kafka' }>): BenchSystem {
  const kafka = new Kafka({ clientId: 'klog-bench', brokers: target.brokers, logLevel: logLevel.ERROR });
  return {
    async createTopic(topic, partitions) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({
          topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
          waitForLeaders: true,
        });
      } finally {
        await admin.disconnect();
      }
    },
    async producer() {
      const producer = kafka.producer({
        idempotent: target.idempotent,
        // kafkajs allows at most one request in flight per broker for an idempotent producer.
        ...(target.maxInFlightRequests === null ? {} : { maxInFlightRequests: target.maxInFlightRequests }),
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return {
        send: (topic, messages) => producer.send({ topic, messages, acks: -1 }),
        disconnect: () => producer.disconnect(),
      };
    },
    async consumer(groupId) {
      const consumer = kafka.consumer({
        groupId,
        maxBytes: MAX_BYTES,
        maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
        minBytes: 1,
        maxWaitTimeInMs: 100,
      });
      await consumer.connect();
      return {
        async run(topic, handle, onJoined) {
          await consumer.subscribe({ topics: [topic], fromBeginning: true });
          let joined = false;
          consumer.on(consumer.events.GROUP_JOIN, () => {
            if (!joined) onJoined?.();
            joined = true;
          });
          // klog reads a consumer's partitions concurrently; kafkajs handles one partition at a time unless asked.
          await consumer.run({
            partitionsConsumedConcurrently: CONCURRENT_PARTITIONS,
            eachBatch: async ({ batch }) => handle(batch.messages),
          });
        },
        disconnect: () => consumer.disconnect(),
      };
    },
    requests: () => null,
    close: async () => {},
  };
}

export function openSystem(target: SystemTarget): BenchSystem {
  return target.system === 'klog' ? klogSystem(target.url) : kafkaSystem(target);
}
