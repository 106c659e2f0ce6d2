/**
 * Writes one partition's batches, one at a time (design brief §5: throughput comes from batching, not
 * pipelining, and one batch in flight keeps the partition's records in order without relying on retries).
 *
 * Idempotence is always on. The sender appends under a random producer id with sequences that count records,
 * and retries retriable failures (an unknown outcome included) with the same producer id and sequence: the
 * log stores a retried batch once and answers with the offsets of the stored copy.
 */
import type { Backend } from '../backend/backend.js';
import type { Logger } from '../client/logger.js';
import { type RetryConfig, retrying } from '../client/retrier.js';
import { isKlogError } from '../errors.js';
import type { AppendResult } from '../log/partition-writer.js';
import { randomProducerId } from '../log/producer-state.js';
import type { ExclusiveWriter } from '../log/writer-fence.js';
import type { PartitionRef } from '../store/keys.js';
import type { PendingBatch } from './pending-batch.js';

/** Sequences are signed 32-bit in the segment format. */
const MAX_SEQUENCE = 0x7fffffff;

export interface PartitionSenderHooks {
  /** The partition's next batch to write, or null when none is ready yet. */
  next(): PendingBatch | null;
  /** Called once per batch: with its stored offsets, or with the error that ended its retries. */
  settled(batch: PendingBatch, result: AppendResult | null, error: unknown): void;
}

export class PartitionSender {
  readonly ref: PartitionRef;
  private readonly backend: Backend;
  private readonly retry: RetryConfig;
  private readonly logger: Logger;
  private readonly hooks: PartitionSenderHooks;
  /** A producer with a fencing id takes the partition over before its first append (brief §7). */
  private readonly exclusive: ExclusiveWriter | undefined;
  private tookOver = false;
  private currentProducerId = randomProducerId();
  private nextSequence = 0;
  private registered = false;
  private busy = false;

  constructor(
    ref: PartitionRef,
    backend: Backend,
    retry: RetryConfig,
    logger: Logger,
    hooks: PartitionSenderHooks,
    exclusive?: ExclusiveWriter,
  ) {
    this.ref = ref;
    this.backend = backend;
    this.retry = retry;
    this.logger = logger;
    this.hooks = hooks;
    this.exclusive = exclusive;
  }

  /** The producer id the next batch is written under. */
  get producerId(): bigint {
    return this.currentProducerId;
  }

  /** True while a batch is being written. */
  get inFlight(): boolean {
    return this.busy;
  }

  /** Starts writing the next ready batch unless one is in flight; called whenever a batch may be ready. */
  readonly kick = (): void => {
    if (this.busy) return;
    const batch = this.hooks.next();
    if (batch === null) return;
    this.busy = true;
    void this.write(batch);
  };

  private async write(batch: PendingBatch): Promise<void> {
    let result: AppendResult | null = null;
    let failure: unknown;
    try {
      result = await this.append(batch);
    } catch (error) {
      failure = error;
    }
    this.busy = false;
    this.hooks.settled(batch, result, failure);
    this.kick();
  }

  private async append(batch: PendingBatch): Promise<AppendResult> {
    const count = batch.records.length;
    if (this.nextSequence + count - 1 > MAX_SEQUENCE) {
      // Kafka wraps sequences around; the log compares them as plain numbers, so start a fresh id instead.
      this.renewProducerId('its sequence numbers ran out');
    }
    const producerId = this.currentProducerId;
    const baseSequence = this.nextSequence;
    const writer = this.exclusive;
    if (writer !== undefined && !this.tookOver) {
      const epoch = await retrying(
        () => this.backend.takeOver(this.ref, writer),
        this.retry,
        this.logger,
        `take over ${this.ref.topic}/${this.ref.partition}`,
      );
      this.tookOver = true;
      this.logger.info('Took the partition over as its exclusive writer', {
        topic: this.ref.topic,
        partition: this.ref.partition,
        fencingId: writer.fencingId,
        writerEpoch: epoch,
      });
    }
    if (!this.registered) {
      this.backend.registerProducer(this.ref, producerId, writer);
      this.registered = true;
    }
    const request = { records: batch.records, producerId, baseSequence, compression: batch.compression, writer };
    try {
      const result = await retrying(
        () => this.backend.append(this.ref, request),
        this.retry,
        this.logger,
        `append to ${this.ref.topic}/${this.ref.partition}`,
      );
      this.nextSequence = baseSequence + count;
      return result;
    } catch (error) {
      // The batch's fate is unknown in general: a retriable error (UNKNOWN_OUTCOME above all, but also a
      // failed read after the segment was written) can hide a stored batch. If the next batch reused this
      // sequence, the log would take it for a retry of a stored batch and answer with that batch's offsets,
      // silently dropping the new records; if it used the following sequence while this batch was not stored,
      // the log would reject it as a gap. A new producer id (sequence 0) is correct either way. It costs
      // nothing: a new id is registered, not scanned for.
      this.renewProducerId(isKlogError(error) ? `an append failed with ${error.code}` : 'an append failed');
      throw error;
    }
  }

  private renewProducerId(reason: string): void {
    const previous = this.currentProducerId;
    this.currentProducerId = randomProducerId();
    this.nextSequence = 0;
    this.registered = false;
    this.logger.debug('Switching to a new producer id', {
      topic: this.ref.topic,
      partition: this.ref.partition,
      previousProducerId: previous.toString(),
      producerId: this.currentProducerId.toString(),
      reason,
    });
  }
}
