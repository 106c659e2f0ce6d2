/**
 * Hands buffered records to the application: `partitionsConsumedConcurrently` workers take partitions
 * that have records, in the order records arrived, and run the handler on one chunk (the records of one
 * read) at a time. A partition is never handled by two workers at once, so each partition's records are
 * handled in offset order.
 *
 * Errors: a retriable KlogError thrown by a handler is retried with the client's retry policy (eachMessage:
 * the same message; eachBatch: the batch again from after its last resolved offset). Any other error, or one
 * that still fails after the retries, is passed to `crash`, which stops the consumer; the records from the
 * failed one on stay unhandled, so `run` resumes with them.
 */
import type { ClientCounters } from '../client/counters.js';
import type { Logger } from '../client/logger.js';
import { type RetryConfig, retrying } from '../client/retrier.js';
import { isKlogError } from '../errors.js';
import { ConsumedBatch } from './batch.js';
import { type ConsumedMessage, toConsumedMessage } from './consumed-message.js';
import type { EachBatchPayload, EachMessagePayload, OffsetsByTopicPartition, ResolvedRunConfig } from './handlers.js';
import type { BufferedChunk, PartitionFetcher } from './partition-fetcher.js';
import { WakeUp } from './wake-up.js';

export interface DeliveryHooks {
  isRunning(): boolean;
  isPaused(fetcher: PartitionFetcher): boolean;
  /** Pauses one partition and returns the function that resumes it. */
  pause(topic: string, partition: number): () => void;
  /** A chunk was finished (or a paused partition's records dropped) and bytes freed: more may be fetched. */
  onChunkDone(): void;
  /** Stops the consumer on an error (see the file comment). */
  crash(error: unknown): void;
  /** The handlers' `heartbeat()`: rejects once this partition is no longer the consumer's (a group moved it). */
  heartbeat(fetcher: PartitionFetcher): Promise<void>;
  /** eachBatch's `commitOffsetsIfNecessary(offsets?)`: commits when a group's auto-commit is due, or these offsets. */
  commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void>;
}

/** How long a worker may keep the event loop busy with buffered records before it lets timers and I/O run. */
const YIELD_EVERY_MS = 10;

export class Delivery {
  private readonly handlers: ResolvedRunConfig;
  private readonly hooks: DeliveryHooks;
  private readonly counters: ClientCounters;
  private readonly retry: RetryConfig;
  private readonly logger: Logger;
  private readonly ready: PartitionFetcher[] = [];
  private readonly queued = new Set<PartitionFetcher>();
  /** Partitions whose handler runs now, with the `performance.now()` time it started. */
  private readonly delivering = new Map<PartitionFetcher, number>();
  private readonly wakeUp = new WakeUp();

  constructor(
    handlers: ResolvedRunConfig,
    hooks: DeliveryHooks,
    client: { counters: ClientCounters; retry: RetryConfig; logger: Logger },
  ) {
    this.handlers = handlers;
    this.hooks = hooks;
    this.counters = client.counters;
    this.retry = client.retry;
    this.logger = client.logger;
  }

  /** The partition has buffered records: queue it unless it is queued or being handled already. */
  enqueue(fetcher: PartitionFetcher): void {
    if (this.queued.has(fetcher) || this.delivering.has(fetcher)) return;
    this.queued.add(fetcher);
    this.ready.push(fetcher);
    this.wakeUp.notify();
  }

  /** Is a handler working on this partition's first chunk now? */
  isDelivering(fetcher: PartitionFetcher): boolean {
    return this.delivering.has(fetcher);
  }

  /** When the longest-running handler started (`performance.now()`), or null when no handler runs. */
  oldestHandlerStart(): number | null {
    let oldest: number | null = null;
    for (const started of this.delivering.values()) if (oldest === null || started < oldest) oldest = started;
    return oldest;
  }

  /** The consumer is stopping: wake idle workers so that they notice. */
  poke(): void {
    this.wakeUp.notify();
  }

  /** Runs the workers until the consumer stops; resolves when no handler is running any more. */
  async run(): Promise<void> {
    const workers = Array.from({ length: this.handlers.partitionsConsumedConcurrently }, () => this.work());
    await Promise.all(workers);
  }

  private async work(): Promise<void> {
    let lastYield = performance.now();
    while (this.hooks.isRunning()) {
      const fetcher = this.ready.shift();
      if (fetcher === undefined) {
        await this.wakeUp.wait();
        lastYield = performance.now();
        continue;
      }
      this.queued.delete(fetcher);
      const chunk = fetcher.firstChunk();
      if (chunk === undefined || this.hooks.isPaused(fetcher)) continue;
      this.delivering.set(fetcher, performance.now());
      try {
        if (this.handlers.eachBatch === undefined) await this.deliverMessages(fetcher, chunk);
        else await this.deliverBatch(fetcher, chunk, this.handlers.eachBatch);
      } catch (error) {
        this.hooks.crash(error);
        return;
      } finally {
        this.delivering.delete(fetcher);
      }
      if (this.hooks.isPaused(fetcher)) {
        // A paused partition holds no memory: what is left of its records is read again after resume.
        fetcher.shed(false);
        this.hooks.onChunkDone();
      } else if (fetcher.firstChunk() !== undefined) {
        this.enqueue(fetcher);
      }
      // Handlers that never wait for I/O would otherwise keep timers (idle polls) and I/O from running.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  }

  private async deliverMessages(fetcher: PartitionFetcher, chunk: BufferedChunk): Promise<void> {
    const eachMessage = this.handlers.eachMessage!;
    const epoch = fetcher.epoch;
    const { topic, partition } = fetcher.ref;
    const pause = () => this.hooks.pause(topic, partition);
    const current = () => this.hooks.isRunning() && fetcher.epoch === epoch;
    const { records, sizes } = chunk;
    while (chunk.next < records.length) {
      if (!current() || this.hooks.isPaused(fetcher)) return;
      const index = chunk.next;
      const size = sizes[index]!;
      if (index >= chunk.counted) {
        this.counters.received(1, size);
        chunk.counted = index + 1;
      }
      const payload: EachMessagePayload = {
        topic,
        partition,
        message: toConsumedMessage(records.at(index), size),
        heartbeat: () => this.hooks.heartbeat(fetcher),
        pause,
      };
      // maxPollIntervalMs bounds each handler call, so the clock starts again for every message.
      this.delivering.set(fetcher, performance.now());
      try {
        await eachMessage(payload);
      } catch (error) {
        const handled = await this.retryAfter(error, 'eachMessage', current, () => eachMessage(payload));
        if (!handled) return;
      }
      if (fetcher.epoch !== epoch) return;
      chunk.next = index + 1;
    }
    fetcher.completeChunk(chunk);
    this.hooks.onChunkDone();
  }

  private async deliverBatch(
    fetcher: PartitionFetcher,
    chunk: BufferedChunk,
    eachBatch: (payload: EachBatchPayload) => Promise<void>,
  ): Promise<void> {
    const epoch = fetcher.epoch;
    const current = () => this.hooks.isRunning() && fetcher.epoch === epoch;
    try {
      await this.deliverBatchOnce(fetcher, chunk, eachBatch, epoch);
    } catch (error) {
      const handled = await this.retryAfter(error, 'eachBatch', current, () =>
        this.deliverBatchOnce(fetcher, chunk, eachBatch, epoch),
      );
      if (!handled) return;
    }
    if (fetcher.epoch !== epoch) return;
    if (chunk.next >= chunk.records.length) {
      fetcher.completeChunk(chunk);
      this.hooks.onChunkDone();
    }
  }

  /** Runs eachBatch on the chunk's records from `next` on; moves `next` past the resolved offsets, even on error. */
  private async deliverBatchOnce(
    fetcher: PartitionFetcher,
    chunk: BufferedChunk,
    eachBatch: (payload: EachBatchPayload) => Promise<void>,
    epoch: number,
  ): Promise<void> {
    const { topic, partition } = fetcher.ref;
    const { records, sizes } = chunk;
    const from = chunk.next;
    if (from >= records.length) return;
    const messages: ConsumedMessage[] = new Array(records.length - from);
    let newBytes = 0;
    for (let index = from; index < records.length; index++) {
      messages[index - from] = toConsumedMessage(records.at(index), sizes[index]!);
      if (index >= chunk.counted) newBytes += sizes[index]!;
    }
    if (records.length > chunk.counted) {
      this.counters.received(records.length - Math.max(from, chunk.counted), newBytes);
      chunk.counted = records.length;
    }
    const batch = new ConsumedBatch(topic, partition, fetcher.knownEnd, messages);
    let resolved: bigint | null = null;
    const nextOffset = () => (resolved === null ? records.offsetAt(from) : resolved + 1n).toString();
    const payload: EachBatchPayload = {
      batch,
      resolveOffset: (offset: string) => {
        const value = BigInt(offset);
        if (resolved === null || value > resolved) resolved = value;
      },
      heartbeat: () => this.hooks.heartbeat(fetcher),
      commitOffsetsIfNecessary: (offsets) => this.hooks.commitOffsetsIfNecessary(offsets),
      uncommittedOffsets: (): OffsetsByTopicPartition => ({
        topics: [{ topic, partitions: [{ partition, offset: nextOffset() }] }],
      }),
      isRunning: () => this.hooks.isRunning(),
      isStale: () => !this.hooks.isRunning() || fetcher.epoch !== epoch,
      pause: () => this.hooks.pause(topic, partition),
    };
    try {
      await eachBatch(payload);
      if (this.handlers.eachBatchAutoResolve) resolved = records.offsetAt(records.length - 1);
    } finally {
      if (fetcher.epoch === epoch && resolved !== null) {
        chunk.next = records.firstAbove(resolved, chunk.next);
      }
    }
  }

  /**
   * Retries a handler that threw, when the error is a retriable KlogError, with the client's retry policy.
   * Returns false when the retries ended because the consumer stopped or the partition was seeked; throws
   * when the error is not retriable or the retries ran out.
   */
  private async retryAfter(
    error: unknown,
    what: string,
    current: () => boolean,
    handle: () => Promise<void>,
  ): Promise<boolean> {
    if (!isKlogError(error) || !error.retriable) throw error;
    let stopped = false;
    await retrying(
      async (attempt) => {
        // The first attempt is the call that already failed: retrying then waits and calls again.
        if (attempt === 0) throw error;
        if (!current()) {
          stopped = true;
          return;
        }
        await handle();
      },
      this.retry,
      this.logger,
      what,
    );
    return !stopped;
  }
}
