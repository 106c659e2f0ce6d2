/**
 * What `consumer.run` calls, in kafkajs's shapes. In a consumer group, offsets are committed every
 * `autoCommitInterval` ms (only partitions whose position moved), when partitions are revoked and when the
 * consumer stops; `heartbeat()` rejects with REBALANCE_IN_PROGRESS once the partition moved to another member
 * (heartbeats themselves run on timers). Without a group, `heartbeat` and `commitOffsetsIfNecessary` do nothing
 * (they exist so that kafkajs code runs unchanged), and nothing is committed: a consumer that stops and runs
 * again resumes where it stopped, a new consumer starts where its subscription or assignment says.
 */
import { groupDefaults } from '../config.js';
import { KlogError } from '../errors.js';
import type { Batch } from './batch.js';
import type { ConsumedMessage } from './consumed-message.js';

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: ConsumedMessage;
  heartbeat(): Promise<void>;
  /** Pauses this partition (the rest of the current batch is held back); returns a function that resumes it. */
  pause(): () => void;
}

export interface OffsetsByTopicPartition {
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

export interface EachBatchPayload {
  batch: Batch;
  /** Marks the message at `offset` (and all before it) handled. */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  /**
   * In a group: commits these offsets, or without them the handled positions when the auto-commit interval has
   * passed. Does nothing without a group.
   */
  commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void>;
  /** The next offset to handle in this batch's partition: after the last resolved offset. */
  uncommittedOffsets(): OffsetsByTopicPartition;
  /** False once the consumer is stopping: finish quickly. */
  isRunning(): boolean;
  /** True once the rest of this batch will not be used: the partition was seeked, or the consumer stops. */
  isStale(): boolean;
  pause(): () => void;
}

export interface RunConfig {
  /** Called for each message, one at a time per partition, in offset order. */
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  /** Called for each batch, one at a time per partition, in offset order. Give this or eachMessage. */
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  /**
   * When true (the default), a batch whose handler returns counts as handled in full. When false, only the
   * offsets passed to `resolveOffset` do: the rest of the batch is delivered again in the next batch.
   */
  eachBatchAutoResolve?: boolean;
  /** Partitions whose handlers may run at the same time (each partition still one batch at a time). Default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * Consumer groups: commit handled offsets automatically (default true): every `autoCommitInterval`, when
   * partitions are revoked, and when the consumer stops. When false, only `commitOffsets` commits.
   */
  autoCommit?: boolean;
  /** Consumer groups: ms between automatic commits (default `groupDefaults.autoCommitIntervalMs`, 5 s). */
  autoCommitInterval?: number;
}

export interface ResolvedRunConfig {
  eachMessage: ((payload: EachMessagePayload) => Promise<void>) | undefined;
  eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  eachBatchAutoResolve: boolean;
  partitionsConsumedConcurrently: number;
  autoCommit: boolean;
  autoCommitIntervalMs: number;
}

export function resolveRunConfig(config: RunConfig): ResolvedRunConfig {
  if (typeof config !== 'object' || config === null) {
    throw new KlogError('INVALID_ARGUMENT', 'run takes { eachMessage } or { eachBatch }.');
  }
  const { eachMessage, eachBatch } = config;
  if ((eachMessage === undefined) === (eachBatch === undefined)) {
    throw new KlogError('INVALID_ARGUMENT', 'run needs exactly one handler: { eachMessage } or { eachBatch }.');
  }
  if ((eachMessage ?? eachBatch) !== undefined && typeof (eachMessage ?? eachBatch) !== 'function') {
    throw new KlogError('INVALID_ARGUMENT', 'run: eachMessage and eachBatch must be async functions.');
  }
  const concurrently = config.partitionsConsumedConcurrently ?? 1;
  if (!Number.isSafeInteger(concurrently) || concurrently < 1) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `run: partitionsConsumedConcurrently must be a positive integer, got ${String(concurrently)}.`,
    );
  }
  const autoResolve = config.eachBatchAutoResolve ?? true;
  if (typeof autoResolve !== 'boolean') {
    throw new KlogError('INVALID_ARGUMENT', 'run: eachBatchAutoResolve must be true or false.');
  }
  const autoCommit = config.autoCommit ?? true;
  if (typeof autoCommit !== 'boolean') {
    throw new KlogError('INVALID_ARGUMENT', 'run: autoCommit must be true or false.');
  }
  const interval = config.autoCommitInterval ?? groupDefaults.autoCommitIntervalMs;
  if (!Number.isSafeInteger(interval) || interval < 1) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `run: autoCommitInterval must be a positive number of ms, got ${String(config.autoCommitInterval)}.`,
    );
  }
  return {
    eachMessage,
    eachBatch,
    eachBatchAutoResolve: autoResolve,
    partitionsConsumedConcurrently: concurrently,
    autoCommit,
    autoCommitIntervalMs: interval,
  };
}
