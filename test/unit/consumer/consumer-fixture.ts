/**
 * A client context on each fast store (memory and filesystem) for consumer tests, with helpers that write
 * records straight through the backend (not the Producer) and wait for a consumer to receive them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectBackend } from '../../../sdk/backend/direct-backend.js';
import type { ClientContext } from '../../../sdk/client/client-context.js';
import { ClientCounters } from '../../../sdk/client/counters.js';
import { createLogger, type LogEntry, logLevel } from '../../../sdk/client/logger.js';
import { Consumer, type ConsumerConfig } from '../../../sdk/consumer/consumer.js';
import type { LogRecord } from '../../../sdk/format/segment.js';
import { randomProducerId } from '../../../sdk/log/producer-state.js';
import { partitionRefs, type TopicDescription } from '../../../sdk/log/topics.js';
import { CountingObjectStore } from '../../../sdk/store/counting-object-store.js';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import type { PartitionRef } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';

export const storeKinds = ['memory', 'filesystem'] as const;
export type StoreKind = (typeof storeKinds)[number];

export interface ConsumerFixture {
  context: ClientContext;
  /** The raw store, for tests that move a partition's log start. */
  store: ObjectStore;
  logs: LogEntry[];
  createTopic(name: string, partitions?: number): Promise<TopicDescription>;
  ref(topic: TopicDescription, partition: number): PartitionRef;
  /** Appends one batch holding these values (keys `k<i>`, one header, timestamps from `timestamp`). */
  append(topic: TopicDescription, partition: number, values: string[], timestamp?: number): Promise<void>;
  consumer(config?: ConsumerConfig): Consumer;
  close(): Promise<void>;
}

export async function openFixture(kind: StoreKind): Promise<ConsumerFixture> {
  const dir = kind === 'filesystem' ? await mkdtemp(join(tmpdir(), 'klog-consumer-')) : null;
  const store = dir === null ? new MemoryObjectStore() : new FileObjectStore(dir);
  const counted = new CountingObjectStore(store);
  const backend = new DirectBackend(counted);
  const logs: LogEntry[] = [];
  const context: ClientContext = {
    clientId: 'consumer-test',
    backend,
    logger: createLogger({ level: logLevel.DEBUG, logCreator: () => (entry) => logs.push(entry) }),
    counters: new ClientCounters(counted),
    // Short retries keep the handler-error tests fast.
    retry: { retries: 3, initialRetryTimeMs: 1, maxRetryTimeMs: 5 },
    local: true,
  };
  const producerId = randomProducerId();
  const sequences = new Map<string, number>();
  const consumers: Consumer[] = [];
  return {
    context,
    store,
    logs,
    createTopic: (name, partitions = 1) => backend.createTopic(name, { partitions }),
    ref: (topic, partition) => partitionRefs(topic)[partition]!,
    async append(topic, partition, values, timestamp = 1_700_000_000_000) {
      const ref = partitionRefs(topic)[partition]!;
      const key = `${ref.topicId}/${partition}`;
      if (!sequences.has(key)) backend.registerProducer(ref, producerId);
      const baseSequence = sequences.get(key) ?? 0;
      await backend.append(ref, { records: recordsOf(values, timestamp), producerId, baseSequence });
      sequences.set(key, baseSequence + values.length);
    },
    consumer(config = {}) {
      const consumer = new Consumer(context, config);
      consumers.push(consumer);
      return consumer;
    },
    async close() {
      await Promise.all(consumers.map((consumer) => consumer.disconnect()));
      await backend.close();
      if (dir !== null) await rm(dir, { recursive: true, force: true });
    },
  };
}

export function recordsOf(values: readonly string[], timestamp: number): LogRecord[] {
  return values.map((value, index) => ({
    key: Buffer.from(`k${index}`),
    value: Buffer.from(value),
    headers: [{ key: 'h', value: Buffer.from(`h-${value}`) }],
    timestamp: timestamp + index,
  }));
}

export function range(prefix: string, from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, index) => `${prefix}${from + index}`);
}

/** Waits until `condition` holds; fails with `what` after a generous deadline (not a timing assertion). */
export async function waitFor(condition: () => boolean, what: string, deadlineMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > deadlineMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
