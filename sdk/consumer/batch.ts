/**
 * The batch `eachBatch` receives, in kafkajs's shape: the messages of one read of one partition, in offset
 * order. klog learns a partition's end only by reading it, so `highWatermark` is the end of what this
 * consumer has read so far (at least `lastOffset() + 1`): the lags are lower bounds, exact once the consumer
 * has caught up.
 */
import type { ConsumedMessage } from './consumed-message.js';

export interface Batch {
  topic: string;
  partition: number;
  /** The offset after the last one known to exist in the partition, as a string. */
  highWatermark: string;
  messages: ConsumedMessage[];
  isEmpty(): boolean;
  /** The first message's offset, or null when the batch is empty. */
  firstOffset(): string | null;
  /** The last message's offset, or `highWatermark - 1` when the batch is empty. */
  lastOffset(): string;
  /** Records after the last message of this batch: `highWatermark - 1 - lastOffset`. */
  offsetLag(): string;
  /** Records after the first message of this batch: `highWatermark - 1 - firstOffset`. */
  offsetLagLow(): string;
}

export class ConsumedBatch implements Batch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: ConsumedMessage[];

  constructor(topic: string, partition: number, highWatermark: bigint, messages: ConsumedMessage[]) {
    this.topic = topic;
    this.partition = partition;
    this.messages = messages;
    const last = messages.at(-1);
    const atLeast = last === undefined ? 0n : BigInt(last.offset) + 1n;
    this.highWatermark = (highWatermark > atLeast ? highWatermark : atLeast).toString();
  }

  isEmpty(): boolean {
    return this.messages.length === 0;
  }

  firstOffset(): string | null {
    return this.messages[0]?.offset ?? null;
  }

  lastOffset(): string {
    return this.messages.at(-1)?.offset ?? (BigInt(this.highWatermark) - 1n).toString();
  }

  offsetLag(): string {
    return this.lagAfter(this.messages.at(-1));
  }

  offsetLagLow(): string {
    return this.lagAfter(this.messages[0]);
  }

  private lagAfter(message: ConsumedMessage | undefined): string {
    if (message === undefined) return '0';
    return (BigInt(this.highWatermark) - 1n - BigInt(message.offset)).toString();
  }
}
