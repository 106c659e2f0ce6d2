/**
 * The backend that works on the object store in this process: any process using it is a broker for its own
 * writes. It keeps one PartitionWriter per partition, so all producers of a client share one append queue
 * per partition (one append in flight per partition per writer, design brief §5). An exclusive producer (one
 * with a fencing id) gets its own PartitionWriter per partition, keyed by its writer id, since its batches carry
 * its own writer epoch.
 */

import { KlogError } from '../errors.js';
import { PartitionReader } from '../log/partition-reader.js';
import { partitionStats } from '../log/partition-stats.js';
import {
  type AppendRequest,
  type AppendResult,
  type EncodedAppendRequest,
  PartitionWriter,
} from '../log/partition-writer.js';
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
import type { ExclusiveWriter } from '../log/writer-fence.js';
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
    // Exclusive writers stay: their producers' next appends must fail with TOPIC_DELETED, not as if they had
    // never taken the partition over.
    for (const [key] of this.writers) {
      if (key.startsWith(`topics/${name}/`) && !key.includes('#')) this.writers.delete(key);
    }
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
    return (request.writer === undefined ? this.writer(ref) : this.exclusiveWriter(ref, request.writer)).append(
      request,
    );
  }

  /**
   * Appends a batch a producer encoded (a broker's binary produce body) as it is, through the shared writer. Not
   * part of Backend: only a broker receives encoded batches.
   */
  appendEncoded(ref: PartitionRef, request: EncodedAppendRequest): Promise<AppendResult> {
    return this.writer(ref).append(request);
  }

  /**
   * Appends batches of shared producers as one segment (a broker's group commit); each settles alone
   * (PartitionWriter.appendMany). Not part of Backend: only a broker, which holds many callers' batches, needs it.
   */
  appendMany(
    ref: PartitionRef,
    requests: readonly (AppendRequest | EncodedAppendRequest)[],
  ): Promise<PromiseSettledResult<AppendResult>[]> {
    return this.writer(ref).appendMany(requests);
  }

  registerProducer(ref: PartitionRef, producerId: bigint, writer?: ExclusiveWriter): void {
    (writer === undefined ? this.writer(ref) : this.exclusiveWriter(ref, writer)).registerProducer(producerId);
  }

  takeOver(ref: PartitionRef, writer: ExclusiveWriter): Promise<number> {
    const key = exclusiveKey(ref, writer);
    let partitionWriter = this.writers.get(key);
    if (partitionWriter === undefined) {
      partitionWriter = new PartitionWriter(this.store, ref, {
        writerId: writer.writerId,
        fencingId: writer.fencingId,
      });
      this.writers.set(key, partitionWriter);
    }
    return partitionWriter.takeOver();
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

  /** The writer an exclusive producer took the partition over with; appending without a takeover is a bug. */
  private exclusiveWriter(ref: PartitionRef, writer: ExclusiveWriter): PartitionWriter {
    const found = this.writers.get(exclusiveKey(ref, writer));
    if (found !== undefined) return found;
    throw new KlogError(
      'INVALID_STATE',
      `Writer ${writer.writerId} (fencing id "${writer.fencingId}") appends to ${ref.topic}/${ref.partition} ` +
        'without having taken it over; call takeOver first.',
      { context: { topic: ref.topic, partition: ref.partition, fencingId: writer.fencingId } },
    );
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

function exclusiveKey(ref: PartitionRef, writer: ExclusiveWriter): string {
  return `${partitionPrefix(ref)}#${writer.writerId}`;
}
