/**
 * An Admin on each fast store (memory and filesystem), plus the raw store so that tests can write records
 * with a PartitionWriter without depending on the Producer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from '../../../sdk/admin/admin.js';
import { Klog } from '../../../sdk/client/klog.js';
import type { LogRecord } from '../../../sdk/format/segment.js';
import { PartitionWriter } from '../../../sdk/log/partition-writer.js';
import { randomProducerId } from '../../../sdk/log/producer-state.js';
import { getTopic, partitionRefs } from '../../../sdk/log/topics.js';
import { FileObjectStore } from '../../../sdk/store/file-object-store.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../../sdk/store/object-store.js';

export interface AdminFixture {
  admin: Admin;
  store: ObjectStore;
  /** Appends one batch of records to a partition of an existing topic. */
  append(topic: string, partition: number, records: LogRecord[]): Promise<void>;
  close(): Promise<void>;
}

export const storeKinds = ['memory', 'filesystem'] as const;

export async function openAdmin(kind: (typeof storeKinds)[number]): Promise<AdminFixture> {
  const dir = kind === 'filesystem' ? await mkdtemp(join(tmpdir(), 'klog-admin-')) : null;
  const store = dir === null ? new MemoryObjectStore() : new FileObjectStore(dir);
  const klog = new Klog({ store, clientId: 'admin-test' });
  const producerId = randomProducerId();
  const writers = new Map<string, { writer: PartitionWriter; nextSequence: number }>();
  return {
    admin: klog.admin(),
    store,
    async append(topic, partition, records) {
      const described = await getTopic(store, topic);
      const ref = described === null ? undefined : partitionRefs(described)[partition];
      if (ref === undefined) throw new Error(`No partition ${partition} in topic ${topic}`);
      const writerKey = `${ref.topicId}/${partition}`;
      let entry = writers.get(writerKey);
      if (entry === undefined) {
        entry = { writer: new PartitionWriter(store, ref), nextSequence: 0 };
        entry.writer.registerProducer(producerId);
        writers.set(writerKey, entry);
      }
      await entry.writer.append({ records, producerId, baseSequence: entry.nextSequence });
      entry.nextSequence += records.length;
    },
    async close() {
      await klog.close();
      if (dir !== null) await rm(dir, { recursive: true, force: true });
    },
  };
}

export function recordsAt(timestamps: readonly number[]): LogRecord[] {
  return timestamps.map((timestamp, index) => ({
    key: null,
    value: Buffer.from(`v${index}`),
    headers: [],
    timestamp,
  }));
}
