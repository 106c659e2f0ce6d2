/**
 * What one `send` waits for. A send's records may spread over several batches (several partitions, or one
 * partition whose batch filled up); the send settles when the last of them is stored, or as soon as one of
 * them fails. It answers with one RecordMetadata per partition it touched, kafkajs's shape.
 *
 * A tracker costs one promise per send however many messages the send has.
 */

export interface RecordMetadata {
  topicName: string;
  partition: number;
  /** Always 0: failures reject the send instead. */
  errorCode: number;
  /** The offset of this send's first record in the partition. */
  baseOffset: string;
  /** '-1': klog records the producer's timestamps (CreateTime), as Kafka does by default. */
  logAppendTime: string;
  /** '-1': not looked up on the write path, as it would cost a request per batch. */
  logStartOffset: string;
}

export class SendTracker {
  readonly results: RecordMetadata[] = [];
  readonly promise: Promise<RecordMetadata[]>;
  /** Batches holding this send's records that have not settled, plus one until all its records are appended. */
  private pending = 1;
  private settled = false;
  private resolve!: (results: RecordMetadata[]) => void;
  private reject!: (error: unknown) => void;

  constructor() {
    this.promise = new Promise<RecordMetadata[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The entry for a partition the send touches for the first time; its offset is filled in on acknowledgement. */
  addPartition(topicName: string, partition: number): RecordMetadata {
    const result: RecordMetadata = {
      topicName,
      partition,
      errorCode: 0,
      baseOffset: '-1',
      logAppendTime: '-1',
      logStartOffset: '-1',
    };
    this.results.push(result);
    return result;
  }

  /** Another batch holds some of this send's records. */
  addBatch(): void {
    this.pending++;
  }

  /** One of the send's batches was stored. */
  batchStored(): void {
    this.countDown();
  }

  /** Every record of the send is in a batch: from now on the send waits only for its batches. */
  appended(): void {
    this.countDown();
  }

  /** Rejects the send with the first failure; later outcomes of its other batches change nothing. */
  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private countDown(): void {
    if (--this.pending > 0 || this.settled) return;
    this.settled = true;
    this.resolve(this.results);
  }
}
