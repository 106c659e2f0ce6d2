/**
 * What `klog produce` reports when it ends: records produced, per partition the first and last offsets they
 * were stored at, and the records that failed (the first few with their reasons). Printed as one line on
 * stderr, or as an object under --json.
 */
import { type ErrorCode, isKlogError } from '../sdk/errors.js';

export interface PartitionSummary {
  partition: number;
  records: number;
  firstOffset: string;
  lastOffset: string;
}

export interface FailureNote {
  /** The input line, when the failure is about one line; absent when a whole send failed. */
  line?: number;
  /** Records this failure covers: 1 for a line, all the records of a send that was rejected. */
  records: number;
  code: ErrorCode | 'UNEXPECTED';
  message: string;
}

export interface ProduceSummary {
  topic: string;
  /** True when this run created the topic (it did not exist). */
  createdTopic: boolean;
  records: number;
  failed: number;
  partitions: PartitionSummary[];
  /** The first failures, up to the limit given to the tally; `failed` counts all of them. */
  errors: FailureNote[];
}

interface PartitionRange {
  records: number;
  first: bigint;
  last: bigint;
}

export class ProduceTally {
  readonly topic: string;
  createdTopic = false;
  private readonly maxNotes: number;
  private readonly partitions = new Map<number, PartitionRange>();
  private readonly notes: FailureNote[] = [];
  private producedCount = 0;
  private failedCount = 0;
  private first: unknown;

  constructor(topic: string, maxNotes = 10) {
    this.topic = topic;
    this.maxNotes = maxNotes;
  }

  get produced(): number {
    return this.producedCount;
  }

  get failed(): number {
    return this.failedCount;
  }

  /** The first failure's error, to rethrow when nothing at all was produced. */
  get firstError(): unknown {
    return this.first;
  }

  /** `records` records were stored in `partition` from `baseOffset` on. */
  stored(partition: number, baseOffset: string, records: number): void {
    const first = BigInt(baseOffset);
    const last = first + BigInt(records - 1);
    const range = this.partitions.get(partition);
    if (range === undefined) this.partitions.set(partition, { records, first, last });
    else {
      range.records += records;
      if (first < range.first) range.first = first;
      if (last > range.last) range.last = last;
    }
    this.producedCount += records;
  }

  /** Counts failed records; returns the note to show, or null once `maxNotes` notes were kept. */
  failure(records: number, error: unknown, line?: number): FailureNote | null {
    this.failedCount += records;
    this.first ??= error;
    if (this.notes.length >= this.maxNotes) return null;
    const note: FailureNote = {
      ...(line === undefined ? {} : { line }),
      records,
      code: isKlogError(error) ? error.code : 'UNEXPECTED',
      message: error instanceof Error ? error.message : String(error),
    };
    this.notes.push(note);
    return note;
  }

  summary(): ProduceSummary {
    return {
      topic: this.topic,
      createdTopic: this.createdTopic,
      records: this.producedCount,
      failed: this.failedCount,
      partitions: [...this.partitions.entries()]
        .sort(([a], [b]) => a - b)
        .map(([partition, range]) => ({
          partition,
          records: range.records,
          firstOffset: range.first.toString(),
          lastOffset: range.last.toString(),
        })),
      errors: [...this.notes],
    };
  }

  /** The summary for people: one line, plus one about failures when there were any. */
  describe(): string[] {
    const summary = this.summary();
    const produced = `produced ${plural(summary.records, 'record')} to topic "${summary.topic}"`;
    const where = summary.partitions.map((range) =>
      summary.partitions.length === 1
        ? `partition ${range.partition}: ${offsets(range)}`
        : `partition ${range.partition}: ${plural(range.records, 'record')}, ${offsets(range)}`,
    );
    const lines = [where.length === 0 ? produced : `${produced} (${where.join('; ')})`];
    if (summary.failed > 0) {
      lines.push(
        `${plural(summary.failed, 'record')} failed and ${summary.failed === 1 ? 'was' : 'were'} not produced`,
      );
    }
    return lines;
  }
}

/** How a failure is shown as it happens: a line's failure names the line already. */
export function describeFailure(note: FailureNote): string {
  if (note.line !== undefined) return note.message;
  return `${plural(note.records, 'record')} ${note.records === 1 ? 'was' : 'were'} not produced: ${note.message}`;
}

function offsets(range: PartitionSummary): string {
  return range.firstOffset === range.lastOffset
    ? `offset ${range.firstOffset}`
    : `offsets ${range.firstOffset} to ${range.lastOffset}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
