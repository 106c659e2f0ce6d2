/**
 * Sends the lines of `klog produce` as they arrive: the complete lines of each input chunk become one send (one
 * promise however many lines), and reading waits while more than `maxInFlightBytes` of records are sent but not
 * yet stored, so memory stays bounded however large the input is. Lines that cannot become records (no key
 * separator, over the topic's maximum size) are counted as failed and skipped before anything is sent, so one
 * bad line never fails its neighbours and the order of the others is kept.
 */
import { KlogError } from '../sdk/errors.js';
import type { IHeaders, Message, Producer } from '../sdk/producer/producer.js';
import type { InputPartitioner } from './input-partitioner.js';
import type { InputLine } from './line-splitter.js';
import type { FailureNote, ProduceTally } from './produce-summary.js';
import { type LineFormat, parseLine } from './record-lines.js';

export interface LineSenderOptions {
  topic: string;
  format: LineFormat;
  headers: IHeaders | undefined;
  partitioner: InputPartitioner;
  /** The topic's partition count, and how to read it again (partitions may be added while input flows). */
  partitions: number;
  refreshPartitions: () => Promise<number>;
  metadataMaxAgeMs: number;
  maxMessageBytes: number;
  maxInFlightBytes: number;
  tally: ProduceTally;
  /** A failure to show as it happens (the tally keeps the first few). */
  onFailure: (note: FailureNote) => void;
}

interface InFlight {
  settled: Promise<void>;
  bytes: number;
}

export class LineSender {
  private readonly producer: Producer;
  private readonly options: LineSenderOptions;
  private readonly headerBytes: number;
  private readonly inFlight: InFlight[] = [];
  private inFlightBytes = 0;
  private partitions: number;
  private partitionsReadAt = Date.now();
  private sendFailure: unknown;

  constructor(producer: Producer, options: LineSenderOptions) {
    this.producer = producer;
    this.options = options;
    this.partitions = options.partitions;
    this.headerBytes = headerPayloadBytes(options.headers);
  }

  /** The first error that rejected a send, if any: the store or the topic failed, so reading should stop. */
  get failedSend(): unknown {
    return this.sendFailure;
  }

  /** Sends the records of one chunk's lines; waits while too much is in flight. */
  async send(lines: readonly InputLine[]): Promise<void> {
    if (lines.length === 0) return;
    if (Date.now() - this.partitionsReadAt > this.options.metadataMaxAgeMs) {
      this.partitions = await this.options.refreshPartitions();
      this.partitionsReadAt = Date.now();
    }
    const { partitioner, headers } = this.options;
    partitioner.nextChunk(this.partitions);
    const messages: Message[] = [];
    const perPartition = new Map<number, number>();
    let bytes = 0;
    for (const line of lines) {
      const record = this.toRecord(line);
      if (record === null) continue;
      const partition = partitioner.partitionFor(record.key, this.partitions);
      perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
      messages.push({ key: record.key, value: record.value, partition, ...(headers === undefined ? {} : { headers }) });
      bytes += record.bytes;
    }
    if (messages.length === 0) return;
    const settled = this.producer.send({ topic: this.options.topic, messages }).then(
      (results) => {
        for (const result of results) {
          const count = perPartition.get(result.partition) ?? 0;
          if (count > 0) this.options.tally.stored(result.partition, result.baseOffset, count);
        }
      },
      (error: unknown) => {
        this.sendFailure ??= error;
        this.fail(messages.length, error);
      },
    );
    this.inFlight.push({ settled, bytes });
    this.inFlightBytes += bytes;
    while (this.inFlightBytes > this.options.maxInFlightBytes) await this.settleOldest();
  }

  /** Waits until every send has been stored or has failed. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const oldest = this.inFlight.shift();
    if (oldest === undefined) return;
    await oldest.settled;
    this.inFlightBytes -= oldest.bytes;
  }

  private toRecord(line: InputLine): { key: Buffer | null; value: Buffer | null; bytes: number } | null {
    const { topic, maxMessageBytes } = this.options;
    if ('tooLongBytes' in line) {
      this.fail(1, tooLarge(line.number, topic, `at least ${line.tooLongBytes} bytes`, maxMessageBytes), line.number);
      return null;
    }
    const parsed = parseLine(line.bytes, this.options.format);
    if ('problem' in parsed) {
      const error = new KlogError('INVALID_ARGUMENT', `Line ${line.number} was not produced: ${parsed.problem}.`, {
        context: { topic, line: line.number },
      });
      this.fail(1, error, line.number);
      return null;
    }
    const bytes = (parsed.key?.length ?? 0) + (parsed.value?.length ?? 0) + this.headerBytes;
    if (bytes > maxMessageBytes) {
      this.fail(1, tooLarge(line.number, topic, `${bytes} bytes`, maxMessageBytes), line.number);
      return null;
    }
    return { ...parsed, bytes };
  }

  private fail(records: number, error: unknown, line?: number): void {
    const note = this.options.tally.failure(records, error, line);
    if (note !== null) this.options.onFailure(note);
  }
}

/** Header keys and values count towards a record's size, as the producer measures it. */
function headerPayloadBytes(headers: IHeaders | undefined): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      bytes += Buffer.byteLength(key) + (typeof one === 'string' ? Buffer.byteLength(one) : (one?.length ?? 0));
    }
  }
  return bytes;
}

function tooLarge(line: number, topic: string, size: string, maxMessageBytes: number): KlogError {
  return new KlogError(
    'RECORD_TOO_LARGE',
    `Line ${line} was not produced: the record is ${size} (key, value and headers), over the ` +
      `max.message.bytes of topic "${topic}" (${maxMessageBytes}). Split it, or raise the topic's max.message.bytes.`,
    { context: { topic, line, maxMessageBytes } },
  );
}
