/**
 * The backend that works on the object store in this process: any process using it is a broker for its own
 * writes. It keeps one PartitionWriter per partition, so all producers of a client share one append queue
 * per partition (one append in flight per partition per writer, design brief §5).
 */
import { PartitionReader } from '../log/partition-reader.js';
import { partitionStats } from '../log/partition-stats.js';
import { type AppendRequest, type AppendResult, PartitionWriter } from '../log/partition-writer.js';
import {
  alterTopicConfig,
  type CreateTopicOptions,
  createPartitions,
  createTopic,
  deleteTopic,
  getTopic,
  listTopics,
  type TopicConfig,
} from '../log/topics.js';
import { type MaintenanceOptions, runMaintenance } from '../maintenance/run-maintenance.js';
import { type PartitionRef, partitionPrefix } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Backend, GroupStorage, PartitionReadHandle } from './backend.js';
import { DirectGroupStorage } from './direct-group-storage.js';

export class DirectBackend implements Backend {
  readonly description: string;
  readonly groups: GroupStorage;
  private readonly store: ObjectStore;
  private readonly writers = new Map<string, PartitionWriter>();

  constructor(store: ObjectStore) {
    this.store = store;
    this.description = store.description;
    this.groups = new DirectGroupStorage(store);
  }

  getTopic(name: string) {
    return getTopic(this.store, name);
  }

  createTopic(name: string, options?: CreateTopicOptions) {
    return createTopic(this.store, name, options);
  }

  listTopics() {
    return listTopics(this.store);
  }

  async deleteTopic(name: string) {
    const deleted = await deleteTopic(this.store, name);
    for (const [prefix] of this.writers) if (prefix.startsWith(`topics/${name}/`)) this.writers.delete(prefix);
    return deleted;
  }

  createPartitions(name: string, partitions: number) {
    return createPartitions(this.store, name, partitions);
  }

  alterTopicConfig(name: string, changes: Partial<TopicConfig>) {
    return alterTopicConfig(this.store, name, changes);
  }

  partitionStats(ref: PartitionRef) {
    return partitionStats(this.store, ref);
  }

  append(ref: PartitionRef, request: AppendRequest): Promise<AppendResult> {
    return this.writer(ref).append(request);
  }

  registerProducer(ref: PartitionRef, producerId: bigint): void {
    this.writer(ref).registerProducer(producerId);
  }

  openReader(ref: PartitionRef): PartitionReadHandle {
    return new PartitionReader(this.store, ref);
  }

  runMaintenance(options?: MaintenanceOptions) {
    return runMaintenance(this.store, options);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private writer(ref: PartitionRef): PartitionWriter {
    const prefix = partitionPrefix(ref);
    let writer = this.writers.get(prefix);
    if (writer === undefined) {
      writer = new PartitionWriter(this.store, ref);
      this.writers.set(prefix, writer);
    }
    return writer;
  }
}
