/**
 * The producer, shaped like kafkajs's (`connect`, `send`, `sendBatch`, `disconnect`) with the Java producer's
 * batching: records wait in a bounded buffer for `lingerMs` or until a partition's batch holds
 * `batchMaxBytes`, each batch becomes one segment, and one batch per partition is in flight.
 *
 *   const producer = klog.producer({ lingerMs: 10 });
 *   await producer.connect();
 *   const [meta] = await producer.send({ topic: 'orders', messages: [{ key: 'k', value: 'v' }] });
 *   await producer.disconnect();
 *
 * Sends are accepted one at a time, in call order, so records of one producer keep their order in each
 * partition. Accepting a send checks all its messages before appending any, so a bad message rejects its own
 * send only. The per-message work is a conversion, a size and a partition; a send costs one promise however
 * many messages it has.
 */
import type { ClientContext } from '../client/client-context.js';
import type { Logger } from '../client/logger.js';
import type { RetryConfig } from '../client/retrier.js';
import { partitionLogDefaults, producerDefaults } from '../config.js';
import { type ErrorCode, isKlogError, KlogError } from '../errors.js';
import { type Compression, isCompression } from '../format/compression.js';
import type { LogRecord } from '../format/segment.js';
import type { AppendResult } from '../log/partition-writer.js';
import { randomProducerId } from '../log/producer-state.js';
import { recordPayloadBytes } from '../log/record-size.js';
import type { TopicDescription } from '../log/topics.js';
import type { ExclusiveWriter } from '../log/writer-fence.js';
import { validateName } from '../names.js';
import { explicitPartition, type Message, toLogRecord } from './message.js';
import { PartitionSender } from './partition-sender.js';
import { type ICustomPartitioner, Partitioner, STICKY } from './partitioner.js';
import type { PendingBatch } from './pending-batch.js';
import { bufferedRecordBytes, type PartitionBuffer, RecordAccumulator } from './record-accumulator.js';
import { type RecordMetadata, SendTracker } from './send-tracker.js';
import { TopicMetadata } from './topic-metadata.js';

export type { HeaderValue, IHeaders, Message } from './message.js';
export type { ICustomPartitioner, PartitionerArgs, PartitionMetadata } from './partitioner.js';
export type { RecordMetadata } from './send-tracker.js';

export interface ProducerConfig {
  /** How long a batch waits for more records; default 200 ms on S3, 5 ms on the embedded stores. */
  lingerMs?: number;
  /** A partition's batch is written once it holds this many bytes; default 1 MiB. */
  batchMaxBytes?: number;
  /** Bytes of accepted, unacknowledged records; `send` waits beyond it (backpressure). Default 32 MiB. */
  bufferMaxBytes?: number;
  /** How long topic metadata is cached; default 5 minutes. */
  metadataMaxAgeMs?: number;
  /** Create a missing topic with the topic defaults on first send; default true. */
  allowAutoTopicCreation?: boolean;
  /** Compression for every send that does not name its own; default 'none'. */
  compression?: Compression;
  /** A custom partitioner, as kafkajs's `createPartitioner`; an explicit `partition` still wins. */
  createPartitioner?: ICustomPartitioner;
  /** Overrides the client's retry policy for this producer's writes. */
  retry?: Partial<RetryConfig>;
  /**
   * Makes this producer the exclusive writer of every partition it writes to (brief §7, docs/fencing.md §3): before
   * its first append to a partition it takes the partition over, and an earlier producer with the same fencing id
   * then fails with FENCED and writes nothing more there. Named like a topic (Kafka's transactional.id plays
   * this part). Absent: a shared writer, as many producers as you like on one partition.
   */
  fencingId?: string;
}

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  compression?: Compression;
  /** Accepted for kafkajs compatibility and ignored: a send settles once its records are durable in the store. */
  acks?: number;
  /** Accepted for kafkajs compatibility and ignored; the retry policy bounds how long a send may take. */
  timeout?: number;
}

export interface ProducerBatch {
  topicMessages: TopicMessages[];
  compression?: Compression;
  /** Accepted for kafkajs compatibility and ignored (see ProducerRecord). */
  acks?: number;
  /** Accepted for kafkajs compatibility and ignored (see ProducerRecord). */
  timeout?: number;
}

/** One topic's messages, checked and converted, with each record's partition (or STICKY) and payload size. */
interface PreparedMessages {
  topic: TopicState;
  records: LogRecord[];
  partitions: Int32Array;
  payloadBytes: Float64Array;
}

/** A topic (by id: a topic created again is another topic) and its partitions' buffers. */
interface TopicState {
  description: TopicDescription;
  buffers: PartitionBuffer[];
}

type ProducerState = 'open' | 'disconnecting' | 'disconnected';

const STALE_METADATA_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'TOPIC_DELETED',
  'TOPIC_NOT_FOUND',
  'PARTITION_NOT_FOUND',
]);

export class Producer {
  private readonly context: ClientContext;
  private readonly logger: Logger;
  private readonly retry: RetryConfig;
  private readonly compression: Compression;
  private readonly bufferMaxBytes: number;
  private readonly metadata: TopicMetadata;
  private readonly partitioner: Partitioner;
  private readonly accumulator: RecordAccumulator;
  /** Set for a producer with a fencing id: its writer id is random per producer instance. */
  private readonly exclusive: ExclusiveWriter | undefined;
  private readonly topics = new Map<string, TopicState>();
  /** The chain of sends being accepted; it never rejects (each send's failure goes to that send). */
  private intake: Promise<void> = Promise.resolve();
  private state: ProducerState = 'open';
  private disconnecting: Promise<void> | null = null;

  constructor(context: ClientContext, config: ProducerConfig = {}) {
    this.context = context;
    this.logger = context.logger.namespace('Producer');
    this.retry = { ...context.retry, ...withoutUndefined(config.retry ?? {}) };
    this.compression = config.compression ?? 'none';
    if (!isCompression(this.compression)) throw unknownCompression(this.compression);
    const lingerMs = config.lingerMs ?? (context.local ? producerDefaults.localLingerMs : producerDefaults.lingerMs);
    const batchMaxBytes = config.batchMaxBytes ?? producerDefaults.batchMaxBytes;
    this.bufferMaxBytes = config.bufferMaxBytes ?? producerDefaults.bufferMaxBytes;
    const metadataMaxAgeMs = config.metadataMaxAgeMs ?? producerDefaults.metadataMaxAgeMs;
    requireNumber('lingerMs', lingerMs, 0);
    // The log refuses batches above its maxBatchBytes; a producer that built larger ones would fail every send.
    requireNumber('batchMaxBytes', batchMaxBytes, 1, partitionLogDefaults.maxBatchBytes);
    requireNumber('bufferMaxBytes', this.bufferMaxBytes, 1);
    requireNumber('metadataMaxAgeMs', metadataMaxAgeMs, 0);
    this.exclusive =
      config.fencingId === undefined
        ? undefined
        : { writerId: randomProducerId(), fencingId: validateName('fencing id', config.fencingId) };
    this.metadata = new TopicMetadata(context.backend, this.logger, {
      maxAgeMs: metadataMaxAgeMs,
      allowAutoTopicCreation: config.allowAutoTopicCreation ?? producerDefaults.allowAutoTopicCreation,
      retry: this.retry,
    });
    this.partitioner = new Partitioner(config.createPartitioner);
    this.accumulator = new RecordAccumulator({
      lingerMs,
      batchMaxBytes,
      bufferMaxBytes: this.bufferMaxBytes,
      onBatchClosed: (ref) => this.partitioner.batchClosed(ref.topicId, ref.partition),
    });
  }

  /** Bytes of accepted records not yet stored; never above `bufferMaxBytes`. */
  get bufferedBytes(): number {
    return this.accumulator.bufferedBytes;
  }

  /**
   * Opens the producer. A new producer is open already, so this is only needed after `disconnect`; it is
   * kept for kafkajs compatibility.
   */
  async connect(): Promise<void> {
    if (this.disconnecting !== null) await this.disconnecting.catch(() => undefined);
    this.state = 'open';
  }

  /** Sends messages to one topic; resolves once they are stored, with one entry per partition touched. */
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    if (typeof record !== 'object' || record === null) {
      return Promise.reject(invalid('send() needs an object { topic, messages }.'));
    }
    return this.enqueue([{ topic: record.topic, messages: record.messages }], record.compression);
  }

  /** Sends messages to several topics at once; resolves once all are stored. */
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    if (typeof batch !== 'object' || batch === null || !Array.isArray(batch.topicMessages)) {
      return Promise.reject(invalid('sendBatch() needs an object { topicMessages: [{ topic, messages }] }.'));
    }
    return this.enqueue(batch.topicMessages, batch.compression);
  }

  /** Writes everything accepted so far without waiting for `lingerMs`, and resolves once it is stored or failed. */
  async flush(): Promise<void> {
    await this.flushAccepted();
  }

  /**
   * Delivers everything accepted, then closes: later sends are rejected (CLOSED) until `connect()`. Rejects
   * when some accepted records could not be stored, naming them (their sends were rejected too).
   */
  disconnect(): Promise<void> {
    if (this.state === 'disconnected') return Promise.resolve();
    if (this.disconnecting === null) {
      this.state = 'disconnecting';
      this.disconnecting = this.deliverAll().finally(() => {
        this.state = 'disconnected';
        this.disconnecting = null;
      });
    }
    return this.disconnecting;
  }

  private enqueue(
    topicMessages: readonly TopicMessages[],
    compression: Compression | undefined,
  ): Promise<RecordMetadata[]> {
    if (this.state !== 'open') {
      return Promise.reject(
        new KlogError(
          'CLOSED',
          'The producer is disconnected: it accepts no more sends. Call connect() to use it again, or create a new one.',
        ),
      );
    }
    const codec = compression ?? this.compression;
    if (!isCompression(codec)) return Promise.reject(unknownCompression(codec));
    const tracker = new SendTracker();
    this.intake = this.intake
      .then(() => this.accept(topicMessages, codec, tracker))
      .then(undefined, (error: unknown) => tracker.fail(error));
    return tracker.promise;
  }

  /** Checks and converts every message of a send, then appends them, waiting for room when the buffer is full. */
  private async accept(
    topicMessages: readonly TopicMessages[],
    compression: Compression,
    tracker: SendTracker,
  ): Promise<void> {
    const now = Date.now();
    const prepared: PreparedMessages[] = [];
    for (const [index, entry] of topicMessages.entries()) {
      if (typeof entry !== 'object' || entry === null || typeof entry.topic !== 'string' || entry.topic === '') {
        throw invalid(`Entry ${index} of the send needs a topic name: { topic: 'name', messages: [...] }.`);
      }
      if (!Array.isArray(entry.messages)) {
        throw invalid(`The messages for topic "${entry.topic}" must be an array of { key, value, headers }.`, {
          topic: entry.topic,
        });
      }
      if (entry.messages.length > 0) prepared.push(await this.prepare(entry.topic, entry.messages, now));
    }
    for (const messages of prepared) await this.appendAll(messages, compression, tracker);
    tracker.appended();
  }

  private async prepare(name: string, messages: readonly Message[], now: number): Promise<PreparedMessages> {
    let description = this.metadata.fresh(name) ?? (await this.metadata.get(name));
    const count = messages.length;
    const records: LogRecord[] = new Array(count);
    const partitions = new Int32Array(count);
    const payloadBytes = new Float64Array(count);
    let highestExplicit = -1;
    for (let i = 0; i < count; i++) {
      const message = messages[i]!;
      const record = toLogRecord(message, now, name, i);
      records[i] = record;
      payloadBytes[i] = recordPayloadBytes(record);
      const explicit = explicitPartition(message, name, i);
      partitions[i] = explicit;
      if (explicit > highestExplicit) highestExplicit = explicit;
    }
    if (highestExplicit >= description.partitions) {
      // Partitions may have been added since the metadata was read: look again before refusing.
      description = await this.metadata.refresh(name);
      if (highestExplicit >= description.partitions) throw partitionNotFound(description, highestExplicit);
    }
    const maxMessageBytes = description.config.maxMessageBytes;
    for (let i = 0; i < count; i++) {
      const partition = this.partitioner.assign(description, messages[i]!, records[i]!, partitions[i]!, i);
      partitions[i] = partition;
      const bytes = payloadBytes[i]!;
      if (bytes > maxMessageBytes) throw recordTooLarge(description, i, partition, bytes);
      if (bufferedRecordBytes(bytes) > this.bufferMaxBytes) {
        throw largerThanBuffer(description, i, bytes, this.bufferMaxBytes);
      }
    }
    return { topic: this.topicState(description), records, partitions, payloadBytes };
  }

  private async appendAll(prepared: PreparedMessages, compression: Compression, tracker: SendTracker): Promise<void> {
    const { topic, records, partitions, payloadBytes } = prepared;
    const accumulator = this.accumulator;
    for (let i = 0; i < records.length; i++) {
      const bytes = payloadBytes[i]!;
      const needed = bufferedRecordBytes(bytes);
      if (!accumulator.hasRoom(needed)) await accumulator.waitForRoom(needed);
      let partition = partitions[i]!;
      // Keyless records pick their partition now, not when prepared: the sticky partition moves on whenever
      // its batch closes, which appending this very send may do.
      if (partition === STICKY) partition = this.partitioner.sticky(topic.description);
      accumulator.append(
        topic.buffers[partition] ?? this.openPartition(topic, partition),
        records[i]!,
        bytes,
        compression,
        tracker,
      );
    }
  }

  private topicState(description: TopicDescription): TopicState {
    let state = this.topics.get(description.topicId);
    if (state === undefined) {
      state = { description, buffers: [] };
      this.topics.set(description.topicId, state);
    } else if (description.partitions > state.description.partitions) {
      state.description = description;
    }
    return state;
  }

  private openPartition(topic: TopicState, partition: number): PartitionBuffer {
    const ref = { topic: topic.description.name, topicId: topic.description.topicId, partition };
    const sender = new PartitionSender(
      ref,
      this.context.backend,
      this.retry,
      this.logger,
      { next: () => this.accumulator.drain(buffer), settled: this.settled },
      this.exclusive,
    );
    const buffer = this.accumulator.addBuffer(ref, sender.kick);
    topic.buffers[partition] = buffer;
    return buffer;
  }

  private readonly settled = (batch: PendingBatch, result: AppendResult | null, error: unknown): void => {
    if (result !== null) {
      this.context.counters.sent(batch.records.length, batch.payloadBytes);
      batch.stored(result.baseOffset);
    } else {
      // The cached view of the topic is wrong: the next send reads it again instead of failing the same way.
      if (isKlogError(error) && STALE_METADATA_CODES.has(error.code)) this.metadata.forget(batch.ref.topic);
      this.logger.error('A batch could not be stored; the sends holding it are rejected', {
        topic: batch.ref.topic,
        partition: batch.ref.partition,
        records: batch.records.length,
        error: isKlogError(error) ? error.toJSON() : String(error),
      });
      batch.failed(error);
    }
    this.accumulator.release(batch);
  };

  /** Closes every batch accepted so far (sends already called included) and waits until each one settled. */
  private async flushAccepted(): Promise<PendingBatch[]> {
    this.accumulator.beginFlush();
    try {
      await this.intake;
      const batches = this.accumulator.unsettledBatches();
      await Promise.all(batches.map((batch) => batch.whenSettled()));
      return batches;
    } finally {
      this.accumulator.endFlush();
    }
  }

  private async deliverAll(): Promise<void> {
    const batches = await this.flushAccepted();
    const failed = batches.filter((batch) => batch.error !== undefined);
    if (failed.length > 0) throw undelivered(failed);
  }
}

function undelivered(failed: readonly PendingBatch[]): KlogError {
  const byPartition = new Map<string, { topic: string; partition: number; records: number; reason: string }>();
  for (const batch of failed) {
    const where = `${batch.ref.topic}/${batch.ref.partition}`;
    const entry = byPartition.get(where) ?? {
      topic: batch.ref.topic,
      partition: batch.ref.partition,
      records: 0,
      reason: batch.error instanceof Error ? batch.error.message : String(batch.error),
    };
    entry.records += batch.records.length;
    byPartition.set(where, entry);
  }
  const total = failed.reduce((sum, batch) => sum + batch.records.length, 0);
  const list = [...byPartition.entries()].map(
    ([where, entry]) => `${where} (${entry.records} records): ${entry.reason}`,
  );
  const first = failed[0]?.error;
  return new KlogError(
    isKlogError(first) ? first.code : 'UNKNOWN_OUTCOME',
    `The producer disconnected, but ${total} accepted records were not delivered: ${list.join('; ')}. The sends ` +
      'that held them were rejected with these errors; send those records again once the cause is fixed.',
    { context: { undelivered: [...byPartition.values()] }, cause: first, retriable: false },
  );
}

function partitionNotFound(topic: TopicDescription, partition: number): KlogError {
  return new KlogError(
    'PARTITION_NOT_FOUND',
    `Partition ${partition} of topic "${topic.name}" does not exist: the topic has ${topic.partitions} ` +
      `partition${topic.partitions === 1 ? '' : 's'} (0 to ${topic.partitions - 1}). Send to an existing ` +
      'partition, or add partitions with admin.createPartitions.',
    { context: { topic: topic.name, partition, partitions: topic.partitions } },
  );
}

function recordTooLarge(topic: TopicDescription, index: number, partition: number, bytes: number): KlogError {
  // A keyless record has no partition yet: the sticky partitioner picks it when the record is appended.
  const where = partition >= 0 ? `topic "${topic.name}" partition ${partition}` : `topic "${topic.name}"`;
  return new KlogError(
    'RECORD_TOO_LARGE',
    `Message ${index} for ${where} is ${bytes} bytes (key, value and headers), over the topic's maxMessageBytes ` +
      `of ${topic.config.maxMessageBytes}. Split the value, or raise the topic's maxMessageBytes.`,
    {
      context: {
        topic: topic.name,
        ...(partition >= 0 ? { partition } : {}),
        messageIndex: index,
        bytes,
        maxMessageBytes: topic.config.maxMessageBytes,
      },
    },
  );
}

function largerThanBuffer(topic: TopicDescription, index: number, bytes: number, bufferMaxBytes: number): KlogError {
  return new KlogError(
    'RECORD_TOO_LARGE',
    `Message ${index} for topic "${topic.name}" is ${bytes} bytes, more than this producer's whole buffer ` +
      `(bufferMaxBytes ${bufferMaxBytes}), so it could never be accepted. Raise bufferMaxBytes or split the value.`,
    { context: { topic: topic.name, messageIndex: index, bytes, bufferMaxBytes } },
  );
}

function unknownCompression(compression: unknown): KlogError {
  return invalid(`Unknown compression ${JSON.stringify(compression)}: use 'none', 'gzip' or 'snappy'.`, {
    compression: String(compression),
  });
}

function invalid(message: string, context: Record<string, unknown> = {}): KlogError {
  return new KlogError('INVALID_ARGUMENT', message, { context });
}

function requireNumber(name: string, value: number, minimum: number, maximum = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum) {
    const range = maximum === Number.MAX_SAFE_INTEGER ? `at least ${minimum}` : `from ${minimum} to ${maximum}`;
    throw invalid(`Producer option ${name} must be a number ${range}, got ${String(value)}.`, { option: name });
  }
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
