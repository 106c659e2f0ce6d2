/**
 * The consumer, in kafkajs's shape. Without a `groupId` it reads every partition of the topics it subscribes to,
 * or the partitions assigned to it, and commits nothing. With a `groupId` it joins that consumer group when it
 * runs (docs/consumer-groups.md): the group decides which partitions of the subscribed topics it reads, committed
 * offsets decide where each starts, and handled offsets are committed (see group-session.ts).
 *
 *   const consumer = klog.consumer();
 *   await consumer.connect();
 *   await consumer.subscribe({ topics: ['orders', /^audit-/], fromBeginning: true });
 *   await consumer.run({ eachMessage: async ({ topic, partition, message }) => { ... } });
 *   ...
 *   await consumer.disconnect();
 *
 * How it works: a fetch scheduler reads partitions a few at a time into a bounded buffer (`maxBytes` of
 * payload in all, see fetch-buffer.ts); delivery workers hand each partition's records to the handler in
 * offset order. A caught-up partition is polled with a backoff from `idlePollMinMs` to `idlePollMaxMs`.
 * `run` resolves once the start positions are known ('latest' is the log end at that moment); the consumer
 * then runs in the background until `stop` or `disconnect`.
 *
 * Errors: a retriable KlogError from a handler is retried with the client's retry policy. Anything else (a
 * handler error, a partition that cannot be read, an out-of-range position under `autoOffsetReset: 'none'`)
 * stops the consumer: the error is logged at ERROR and passed to the `onCrash` option. `run` may then be
 * called again; it resumes each partition at its first record not handled.
 */
import type { ClientContext } from '../client/client-context.js';
import type { Logger } from '../client/logger.js';
import { isKlogError, KlogError } from '../errors.js';
import { type GroupDescription, readGroupDescription } from '../group/group-description.js';
import { validateName } from '../names.js';
import type { PartitionRef } from '../store/keys.js';
import { type ConsumerConfig, type ResolvedConsumerConfig, resolveConsumerConfig } from './consumer-config.js';
import { Delivery } from './delivery.js';
import { FetchBuffer } from './fetch-buffer.js';
import { FetchScheduler } from './fetch-scheduler.js';
import { type CommitRequest, GroupSession } from './group-session.js';
import { type ResolvedRunConfig, type RunConfig, resolveRunConfig } from './handlers.js';
import { PartitionFetcher } from './partition-fetcher.js';
import { PauseState, type TopicPartitions } from './pause-state.js';
import {
  defaultResetPolicy,
  EARLIEST,
  type OffsetResetPolicy,
  parseSeekOffset,
  type StartOptions,
  type StartPosition,
  startFromOptions,
} from './start-position.js';
import { type Assignment, partitionKey, type SubscribeOptions, Subscription } from './subscription.js';
import { WakeUp } from './wake-up.js';

export type { Batch } from './batch.js';
export type { ConsumedHeaders, ConsumedMessage } from './consumed-message.js';
export type { ConsumerConfig } from './consumer-config.js';
export type { CommitRequest } from './group-session.js';
export type { EachBatchPayload, EachMessagePayload, OffsetsByTopicPartition, RunConfig } from './handlers.js';
export type { TopicPartitions } from './pause-state.js';
export type { OffsetResetPolicy } from './start-position.js';
export type { Assignment, SubscribeOptions } from './subscription.js';

export interface SeekTarget {
  topic: string;
  partition: number;
  /** A decimal offset from "0", or "-2" (earliest) or "-1" (latest). */
  offset: string;
}

/** The parts that exist only while the consumer runs. */
interface Running {
  scheduler: FetchScheduler;
  delivery: Delivery;
  loops: Promise<unknown>;
}

export class Consumer {
  private readonly context: ClientContext;
  private readonly logger: Logger;
  private readonly config: ResolvedConsumerConfig;
  private readonly buffer: FetchBuffer;
  private readonly subscription = new Subscription();
  private readonly pauses = new PauseState();
  private readonly fetchers = new Map<string, PartitionFetcher>();
  /** The fetchers in a stable order, for the scheduler's round-robin. */
  private fetcherList: PartitionFetcher[] = [];
  /** Seeks to partitions that have no fetcher yet (before the first run). */
  private readonly pendingSeeks = new Map<string, StartPosition>();
  private readonly refreshWakeUp = new WakeUp();
  private isRunning = false;
  private current: Running | null = null;
  private stopping: Promise<void> | null = null;
  /** The consumer group membership while running with a `groupId`. */
  private session: GroupSession | null = null;

  constructor(context: ClientContext, config: ConsumerConfig = {}) {
    this.context = context;
    this.logger = context.logger.namespace('Consumer');
    this.config = resolveConsumerConfig(config, context.local);
    this.buffer = new FetchBuffer(this.config.maxBytes);
  }

  /** Payload bytes of records fetched and not yet handled. */
  get bufferedBytes(): number {
    return this.buffer.bufferedBytes;
  }

  /** The most `bufferedBytes` ever reached: at most `maxBytes`, unless one record alone is larger. */
  get maxBufferedBytes(): number {
    return this.buffer.maxBufferedBytes;
  }

  /** Nothing to open: reads go through the client's backend. Kept for kafkajs's shape. */
  async connect(): Promise<void> {}

  /** Stops (waiting for the handler in flight) and forgets every partition's position. */
  async disconnect(): Promise<void> {
    await this.stop();
    for (const fetcher of this.fetcherList) fetcher.close();
    this.fetchers.clear();
    this.fetcherList = [];
  }

  async subscribe(options: SubscribeOptions): Promise<void> {
    this.requireStopped('subscribe');
    this.subscription.subscribe(options);
  }

  /** Reads exactly these partitions (all of a topic's when `partitions` is absent); replaces an earlier assign. */
  assign(assignments: Assignment[]): void {
    this.requireStopped('assign');
    if (this.config.group !== null) {
      throw new KlogError(
        'INVALID_STATE',
        `A consumer in group "${this.config.group.group}" gets its partitions from the group: use subscribe, or ` +
          'create the consumer without a groupId to assign partitions by hand.',
        { context: { group: this.config.group.group } },
      );
    }
    this.subscription.assign(assignments);
  }

  /** Starts consuming in the background; resolves once every partition's start position is known. */
  async run(config: RunConfig): Promise<void> {
    this.requireStopped('run');
    const handlers = resolveRunConfig(config);
    if (this.subscription.isEmpty) {
      throw new KlogError('INVALID_STATE', 'Nothing to consume: call subscribe or assign before run.');
    }
    if (this.config.group !== null) return this.runInGroup(handlers);
    this.isRunning = true;
    try {
      await this.refreshPartitions(true);
      const fetchers = this.fetcherList;
      const size = this.config.maxConcurrentFetches;
      for (let index = 0; index < fetchers.length && this.isRunning; index += size) {
        await Promise.all(fetchers.slice(index, index + size).map((fetcher) => fetcher.resolveStart()));
      }
    } catch (error) {
      this.isRunning = false;
      throw error;
    }
    if (!this.isRunning) return;
    this.current = this.startLoops(handlers);
  }

  /**
   * Moves a partition's position: the next record handled is at `offset`. While running, records already
   * fetched for the partition are dropped and a batch being handled is not continued.
   */
  seek(target: SeekTarget): void {
    const topic = validateName('topic', target?.topic);
    if (!Number.isSafeInteger(target.partition) || target.partition < 0) {
      throw new KlogError('INVALID_ARGUMENT', `seek: partition must be a partition number from 0.`, {
        context: { topic },
      });
    }
    const start = parseSeekOffset(target.offset, target);
    const key = partitionKey(topic, target.partition);
    const fetcher = this.fetchers.get(key);
    if (fetcher !== undefined) {
      fetcher.seek(start);
      this.current?.scheduler.poke();
      return;
    }
    if (this.isRunning) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `Cannot seek ${key}: this consumer does not read that partition. Subscribe to its topic or assign it.`,
        { context: { topic, partition: target.partition } },
      );
    }
    this.pendingSeeks.set(key, start);
  }

  /**
   * Stops fetching and delivering these partitions (all of a topic's, including later ones, without
   * `partitions`). Records already fetched for them are dropped, so paused partitions hold no memory; a
   * handler working on one of them finishes its current message (or batch) first.
   */
  pause(topics: TopicPartitions[]): void {
    for (const { topic, partitions } of checkTopicPartitions(topics, 'pause')) this.pauses.pause(topic, partitions);
    const delivery = this.current?.delivery;
    for (const fetcher of this.fetcherList) {
      if (this.isPaused(fetcher)) fetcher.shed(delivery?.isDelivering(fetcher) ?? false);
    }
    this.current?.scheduler.poke();
  }

  resume(topics: TopicPartitions[]): void {
    for (const { topic, partitions } of checkTopicPartitions(topics, 'resume')) {
      this.pauses.resume(topic, partitions, this.partitionsOf(topic));
    }
    if (this.current === null) return;
    for (const fetcher of this.fetcherList) {
      if (fetcher.firstChunk() !== undefined && !this.isPaused(fetcher)) this.current.delivery.enqueue(fetcher);
    }
    this.current.scheduler.poke();
  }

  paused(): TopicPartitions[] {
    return this.pauses.list((topic) => this.partitionsOf(topic));
  }

  /**
   * Stops fetching and waits for the handler in flight (so never await it inside a handler). Positions are
   * kept: `run` continues from the first record not handled.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  /**
   * Commits these offsets (each the next offset to read) of partitions this group member owns, as kafkajs's
   * `commitOffsets`. Throws REBALANCE_IN_PROGRESS for a partition it does not own, and INVALID_ARGUMENT for an
   * offset below the committed one (committed offsets never move backwards; see admin.resetOffsets).
   */
  async commitOffsets(offsets: CommitRequest[]): Promise<void> {
    const group = this.requireGroup('commitOffsets');
    if (!Array.isArray(offsets)) {
      throw new KlogError('INVALID_ARGUMENT', 'commitOffsets takes an array of { topic, partition, offset }.');
    }
    if (this.session === null) {
      throw new KlogError(
        'INVALID_STATE',
        `Cannot commit offsets of group "${group}" while the consumer is not running: it owns no partitions.`,
        { context: { group } },
      );
    }
    await this.session.commitOffsets(offsets);
  }

  /** The consumer's group: its state, members and their assignments (see docs/consumer-groups.md). */
  async describeGroup(): Promise<GroupDescription> {
    const group = this.requireGroup('describeGroup');
    return readGroupDescription(this.context.backend.groups, group);
  }

  private async shutdown(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session !== null) {
      // Leaving first: revoked partitions commit what their handlers finished while the loops still run.
      await session.stop().catch((error: unknown) => {
        this.logger.error('Could not leave the consumer group cleanly', { error: describeError(error) });
      });
    }
    this.isRunning = false;
    const current = this.current;
    this.refreshWakeUp.notify();
    if (current !== null) {
      current.scheduler.poke();
      current.delivery.poke();
      await current.loops;
      this.current = null;
    }
    for (const fetcher of this.fetcherList) fetcher.rewind();
  }

  private startLoops(handlers: ResolvedRunConfig): Running {
    const isRunning = () => this.isRunning;
    const isPaused = (fetcher: PartitionFetcher) => this.isPaused(fetcher);
    const scheduler = new FetchScheduler(this.buffer, this.config, {
      fetchers: () => this.fetcherList,
      isPaused,
      isRunning,
      onRecords: (fetcher) => delivery.enqueue(fetcher),
      onError: (error) => this.crash(error),
    });
    const delivery = new Delivery(
      handlers,
      {
        isRunning,
        isPaused,
        pause: (topic, partition) => {
          this.pause([{ topic, partitions: [partition] }]);
          return () => this.resume([{ topic, partitions: [partition] }]);
        },
        onChunkDone: () => scheduler.poke(),
        crash: (error) => this.crash(error),
        heartbeat: async (fetcher) => {
          await this.session?.heartbeat(fetcher.ref);
        },
        commitOffsetsIfNecessary: async (offsets) => {
          await this.session?.commitIfNecessary(offsets);
        },
      },
      { counters: this.context.counters, retry: this.context.retry, logger: this.logger },
    );
    const loops = [scheduler.run(), delivery.run()];
    if (this.config.group === null) loops.push(this.refreshLoop());
    return { scheduler, delivery, loops: Promise.all(loops) };
  }

  /** `run` with a groupId: the loops start with no partitions, and the group hands them over as it assigns them. */
  private async runInGroup(handlers: ResolvedRunConfig): Promise<void> {
    const options = this.config.group!;
    this.isRunning = true;
    this.current = this.startLoops(handlers);
    const session = new GroupSession(
      this.context,
      options,
      {
        metadataMaxAgeMs: this.config.metadataMaxAgeMs,
        autoCommit: handlers.autoCommit,
        autoCommitIntervalMs: handlers.autoCommitIntervalMs,
      },
      {
        subscribedTopics: () => this.subscription.topicNames(this.context.backend),
        startPartition: (ref, committed) => this.startPartition(ref, committed),
        stopPartition: (ref, abandon) => this.stopPartition(ref, abandon),
        position: (ref) => this.fetcherOf(ref)?.nextToHandle() ?? null,
        processingChanged: () => this.wakeAll(),
        oldestHandlerStart: () => this.current?.delivery.oldestHandlerStart() ?? null,
      },
    );
    this.session = session;
    try {
      await session.start();
    } catch (error) {
      this.session = null;
      await this.stop();
      throw error;
    }
  }

  /** A partition the group gave this member: read it from the committed offset, else where the subscription says. */
  private startPartition(ref: PartitionRef, committed: bigint | null): void {
    const key = partitionKey(ref.topic, ref.partition);
    this.fetchers.get(key)?.close();
    const options: StartOptions = this.subscription.startOptionsFor(ref.topic);
    const seek = this.pendingSeeks.get(key);
    this.pendingSeeks.delete(key);
    const start: StartPosition =
      seek ?? (committed === null ? startFromOptions(options) : { kind: 'offset', offset: committed });
    this.fetchers.set(key, this.newFetcher(ref, start, this.config.autoOffsetReset ?? defaultResetPolicy(options)));
    this.fetcherList = [...this.fetchers.values()];
    this.current?.scheduler.poke();
  }

  /**
   * Stops reading a partition the group takes away. Unless `abandon`, it waits until no handler works on it; it
   * returns the next offset to handle, for the commit.
   */
  private async stopPartition(ref: PartitionRef, abandon: boolean): Promise<bigint | null> {
    const fetcher = this.fetcherOf(ref);
    if (fetcher === undefined) return null;
    const delivery = this.current?.delivery;
    while (!abandon && delivery?.isDelivering(fetcher) && this.fetcherOf(ref) === fetcher) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (this.fetcherOf(ref) !== fetcher) return null;
    const position = fetcher.nextToHandle();
    fetcher.close();
    this.fetchers.delete(partitionKey(ref.topic, ref.partition));
    this.fetcherList = [...this.fetchers.values()];
    this.current?.scheduler.poke();
    return position;
  }

  private fetcherOf(ref: PartitionRef): PartitionFetcher | undefined {
    const fetcher = this.fetchers.get(partitionKey(ref.topic, ref.partition));
    return fetcher?.ref.topicId === ref.topicId ? fetcher : undefined;
  }

  /** Something may have unpaused partitions: queue those with records and let the scheduler look again. */
  private wakeAll(): void {
    const current = this.current;
    if (current === null) return;
    for (const fetcher of this.fetcherList) {
      if (fetcher.firstChunk() !== undefined && !this.isPaused(fetcher)) current.delivery.enqueue(fetcher);
    }
    current.scheduler.poke();
  }

  /** Checks subscribed topics for new partitions (and patterns for new topics) every `metadataMaxAgeMs`. */
  private async refreshLoop(): Promise<void> {
    while (this.isRunning) {
      await this.refreshWakeUp.wait(this.config.metadataMaxAgeMs);
      if (!this.isRunning) return;
      try {
        await this.refreshPartitions(false);
      } catch (error) {
        this.logger.warn('Could not refresh the partitions to consume; trying again later', {
          error: describeError(error),
        });
      }
    }
  }

  /**
   * Creates fetchers for new partitions and closes those of partitions no longer consumed. Partitions found
   * when `run` starts begin where the subscription says; partitions (and topics) that appear later begin at
   * their log start, since every record in them was written after the consumer started.
   */
  private async refreshPartitions(starting: boolean): Promise<void> {
    const { targets, missing } = await this.subscription.resolve(this.context.backend);
    if (missing.length > 0 && starting) {
      this.logger.warn('Some subscribed topics or partitions do not exist yet; they are read once they appear', {
        missing,
      });
    }
    let changed = false;
    for (const [key, fetcher] of this.fetchers) {
      const target = targets.get(key);
      if (target === undefined || target.ref.topicId !== fetcher.ref.topicId) {
        fetcher.close();
        this.fetchers.delete(key);
        changed = true;
      }
    }
    for (const [key, target] of targets) {
      if (this.fetchers.has(key)) continue;
      const seek = this.pendingSeeks.get(key);
      this.pendingSeeks.delete(key);
      const start = seek ?? (starting ? startFromOptions(target.start) : EARLIEST);
      const resetPolicy = this.config.autoOffsetReset ?? defaultResetPolicy(target.start);
      this.fetchers.set(key, this.newFetcher(target.ref, start, resetPolicy));
      changed = true;
    }
    if (!changed) return;
    this.fetcherList = [...this.fetchers.values()];
    this.current?.scheduler.poke();
  }

  private newFetcher(ref: PartitionRef, start: StartPosition, resetPolicy: OffsetResetPolicy): PartitionFetcher {
    return new PartitionFetcher(ref, this.context.backend.openReader(ref), this.buffer, start, {
      maxBytesPerPartition: this.config.maxBytesPerPartition,
      idlePollMinMs: this.config.idlePollMinMs,
      idlePollMaxMs: this.config.idlePollMaxMs,
      resetPolicy,
      retry: this.context.retry,
      logger: this.logger,
    });
  }

  private crash(error: unknown): void {
    if (!this.isRunning) {
      this.logger.debug('Ignoring an error that arrived while stopping', { error: describeError(error) });
      return;
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    this.logger.error('The consumer stopped after an error', { error: describeError(failure) });
    void this.stop().then(() => {
      try {
        this.config.onCrash?.(failure);
      } catch (callbackError) {
        this.logger.error('onCrash threw', { error: describeError(callbackError) });
      }
    });
  }

  private isPaused(fetcher: PartitionFetcher): boolean {
    if (this.pauses.isPaused(fetcher.ref.topic, fetcher.ref.partition)) return true;
    return this.session !== null && !this.session.mayProcess(fetcher.ref);
  }

  private partitionsOf(topic: string): number[] {
    return this.fetcherList.filter((fetcher) => fetcher.ref.topic === topic).map((fetcher) => fetcher.ref.partition);
  }

  private requireGroup(what: string): string {
    if (this.config.group !== null) return this.config.group.group;
    throw new KlogError('INVALID_STATE', `${what} needs a consumer created with a groupId.`);
  }

  private requireStopped(what: string): void {
    if (this.isRunning || this.current !== null) {
      throw new KlogError('INVALID_STATE', `Cannot ${what} while the consumer is running; call stop() first.`);
    }
  }
}

function checkTopicPartitions(topics: TopicPartitions[], what: string): TopicPartitions[] {
  if (!Array.isArray(topics)) {
    throw new KlogError('INVALID_ARGUMENT', `${what} takes an array of { topic, partitions? }.`);
  }
  for (const { topic, partitions } of topics) {
    validateName('topic', topic);
    if (
      partitions !== undefined &&
      (!Array.isArray(partitions) || partitions.some((p) => !Number.isSafeInteger(p) || p < 0))
    ) {
      throw new KlogError('INVALID_ARGUMENT', `${what} ${topic}: partitions must be partition numbers from 0.`, {
        context: { topic },
      });
    }
  }
  return topics;
}

function describeError(error: unknown): unknown {
  if (isKlogError(error)) return error.toJSON();
  if (error instanceof Error) return { name: error.name, message: error.message };
  return String(error);
}
