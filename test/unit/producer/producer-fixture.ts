/**
 * A client context on each fast store (memory and filesystem) for producer tests, without the Klog class, plus
 * helpers to create topics and read partitions back through the backend.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectBackend } from '../../../sdk/backend/direct-backend.js';
import type { ClientContext } from '../../../sdk/client/client-context.js';
import { ClientCounters } from '../../../sdk/client/counters.js';
import { createLogger, type LogEntry, logLevel } from '../../../sdk/client/logger.js';
import { type RetryConfig, retryDefaults } from '../../../sdk/client/retrier.js';
import { decodeSegment, type StoredRecord } from '../../../sdk/format/segment.js';
import type { CreateTopicOptions, TopicDescription } from '../../../sdk/log/topics.js';
import { CountingObjectStore } from '../../../sdk/store/counting-object-store.js';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { type PartitionRef, segmentsPrefix } from '../../../sdk/store/keys.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';

export const storeKinds = ['memory', 'filesystem'] as const;
export type StoreKind = (typeof storeKinds)[number];

/** Short backoffs so that tests with injected faults stay fast. */
export const fastRetry: RetryConfig = { retries: 12, initialRetryTimeMs: 1, maxRetryTimeMs: 20 };

export interface ProducerFixture {
  context: ClientContext;
  /** The counting store the backend writes through. */
  store: CountingObjectStore;
  logs: LogEntry[];
  createTopic(name: string, options?: CreateTopicOptions): Promise<TopicDescription>;
  /** Every record of a partition, in offset order. */
  readAll(topic: string, partition: number): Promise<StoredRecord[]>;
  /** The codec and record count of each batch of a partition, in offset order. */
  batches(topic: string, partition: number): Promise<{ compression: string; records: number; producerId: bigint }[]>;
  close(): Promise<void>;
}

export async function openFixture(
  kind: StoreKind | ObjectStore,
  options: { retry?: RetryConfig } = {},
): Promise<ProducerFixture> {
  const dir = kind === 'filesystem' ? await mkdtemp(join(tmpdir(), 'klog-producer-')) : null;
  const inner = typeof kind === 'object' ? kind : dir === null ? new MemoryObjectStore() : new FileObjectStore(dir);
  const store = new CountingObjectStore(inner);
  const backend = new DirectBackend(store);
  const logs: LogEntry[] = [];
  const context: ClientContext = {
    clientId: 'producer-test',
    backend,
    logger: createLogger({ level: logLevel.DEBUG, logCreator: () => (entry) => logs.push(entry) }),
    counters: new ClientCounters(store),
    retry: options.retry ?? retryDefaults,
    local: true,
  };
  const refOf = async (topic: string, partition: number): Promise<PartitionRef> => {
    const description = await backend.getTopic(topic);
    if (description === null) throw new Error(`No topic ${topic}`);
    return { topic, topicId: description.topicId, partition };
  };
  return {
    context,
    store,
    logs,
    createTopic: (name, topicOptions) => backend.createTopic(name, topicOptions),
    async readAll(topic, partition) {
      const reader = backend.openReader(await refOf(topic, partition));
      const end = await reader.latestOffset();
      const records: StoredRecord[] = [];
      let offset = await reader.earliestOffset();
      while (offset < end) {
        const result = await reader.read(offset);
        records.push(...result.records);
        offset = result.nextOffset;
      }
      return records;
    },
    async batches(topic, partition) {
      const prefix = segmentsPrefix(await refOf(topic, partition));
      const found: { compression: string; records: number; producerId: bigint }[] = [];
      for (const object of await store.list(prefix)) {
        const stored = await store.get(object.key);
        if (stored === null) continue;
        for (const batch of decodeSegment(stored.body, object.key).batches) {
          if (batch.control) continue;
          found.push({
            compression: batch.entry.compression,
            records: batch.records.length,
            producerId: batch.entry.producerId,
          });
        }
      }
      return found;
    },
    async close() {
      await backend.close();
      if (dir !== null) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh topic name per test, so that tests never see each other's records. */
export function topicName(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`;
}

export function values(records: readonly StoredRecord[]): string[] {
  return records.map((record) => Buffer.from(record.value ?? new Uint8Array()).toString());
}
