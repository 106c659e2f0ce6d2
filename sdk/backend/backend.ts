/**
 * What the Producer, Consumer and Admin need from klog, behind one interface (design brief §1): the direct
 * backend works on the object store in this process; the HTTP backend (http-backend.ts) sends the same calls to
 * a broker (`klog broker start` or the Lambda functions), which serves them with a direct backend. Apps never see
 * this interface; they use the client.
 */

import type { ReadOptions, ReadResult } from '../log/partition-reader.js';
import type { PartitionStats } from '../log/partition-stats.js';
import type { AppendRequest, AppendResult } from '../log/partition-writer.js';
import type { RunReadResult } from '../log/record-run.js';
import type { CreateTopicOptions, TopicConfig, TopicDescription } from '../log/topics.js';
import type { ExclusiveWriter } from '../log/writer-fence.js';
import type { PartitionMaintenance } from '../maintenance/maintenance-result.js';
import type { MaintenanceOptions } from '../maintenance/run-maintenance.js';
import type { PartitionRef } from '../store/keys.js';
import type { DeleteOutcome, ListedObject, ListOptions, WriteCondition, WriteOutcome } from '../store/object-store.js';

export interface PartitionReadHandle {
  /**
   * True when a read that finds nothing has already waited for records (a broker's long-poll), so a consumer polls
   * again at once instead of backing off; absent or false for reads that answer at once (direct mode).
   */
  readonly waitsForData?: boolean;
  read(offset: bigint, options?: ReadOptions): Promise<ReadResult>;
  /**
   * Reads as `read` does but builds records only when they are used (sdk/log/record-run.ts), so that a consumer's
   * buffer holds batches rather than record objects. A handle without it is read with `read`.
   */
  readRuns?(offset: bigint, options?: ReadOptions): Promise<RunReadResult>;
  earliestOffset(): Promise<bigint>;
  latestOffset(): Promise<bigint>;
  offsetForTimestamp(timestamp: number): Promise<bigint | null>;
}

/**
 * The consumer-group objects (keys under `groups/`, built in sdk/store/keys.ts), with the object store's
 * conditions and outcomes: groups are coordinated by conditional writes alone (docs/consumer-groups.md), so
 * sdk/group/ needs exactly these four operations. Keys outside `groups/` are refused with INVALID_KEY.
 */
export interface GroupStorage {
  get(key: string): Promise<{ body: Uint8Array; etag: string } | null>;
  put(key: string, body: Uint8Array, condition: WriteCondition): Promise<WriteOutcome>;
  /** Deletes the object; with `ifMatch`, only the version with that etag. Deleting a missing key is `done`. */
  delete(key: string, ifMatch?: string): Promise<DeleteOutcome>;
  list(prefix: string, options?: ListOptions): Promise<ListedObject[]>;
}

export interface Backend {
  /** A short description of where the data lives, for logs and error messages. */
  readonly description: string;
  getTopic(name: string): Promise<TopicDescription | null>;
  createTopic(name: string, options?: CreateTopicOptions): Promise<TopicDescription>;
  listTopics(): Promise<string[]>;
  deleteTopic(name: string): Promise<boolean>;
  createPartitions(name: string, partitions: number): Promise<TopicDescription>;
  alterTopicConfig(name: string, changes: Partial<TopicConfig>): Promise<TopicDescription>;
  partitionStats(ref: PartitionRef): Promise<PartitionStats>;
  /**
   * Appends one batch. Calls for one partition are served one at a time; `registerProducer` declares a new
   * producer id whose batches reach the partition only through this backend (no scan for its history).
   */
  append(ref: PartitionRef, request: AppendRequest): Promise<AppendResult>;
  /** `writer` names the exclusive writer the producer's batches go through (see `takeOver`). */
  registerProducer(ref: PartitionRef, producerId: bigint, writer?: ExclusiveWriter): void;
  /**
   * Takes the partition over for an exclusive writer (a producer with a fencing id, brief §7): writes a higher
   * writer epoch at the tail, fencing earlier writers with the same fencing id. Later appends name the writer in
   * `AppendRequest.writer`. Resolves with the new epoch. A backend that cannot fence rejects with STORE_UNSUPPORTED.
   */
  takeOver(ref: PartitionRef, writer: ExclusiveWriter): Promise<number>;
  /** A reader for one partition; each consumer keeps its own, since readers remember their position. */
  openReader(ref: PartitionRef): PartitionReadHandle;
  /** One maintenance run (retention) over the given topics, or all; reports what it did per partition. */
  runMaintenance(options?: MaintenanceOptions): Promise<PartitionMaintenance[]>;
  /** The consumer-group objects. */
  readonly groups: GroupStorage;
  close(): Promise<void>;
}
