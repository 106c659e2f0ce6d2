/**
 * The load of `klog bench consume`: one consumer reads one topic until a target is reached, counting records
 * and their payload bytes (keys, values, headers). The target is a number of records, or every partition's
 * end offset as it was when the run started ("everything there is"); records past the target are not
 * counted, so the figures cover exactly the target.
 */
import type { Klog } from '../../sdk/client/klog.js';
import type { ConsumerConfig } from '../../sdk/consumer/consumer.js';

export interface ConsumeLoadOptions {
  topic: string;
  fromBeginning: boolean;
  consumer: Pick<ConsumerConfig, 'maxBytes' | 'maxBytesPerPartition'>;
  /** Stop after this many records. */
  records?: number;
  /**
   * Without `records`: stop once each partition here reached its end offset (partition → offset). Leave out
   * partitions with nothing to read, or the load waits for them forever.
   */
  endOffsets?: ReadonlyMap<number, number>;
}

/** Counted so far; the progress line reads it while the load runs. */
export interface ConsumeLoadProgress {
  records: number;
  bytes: number;
}

export interface ConsumeLoadResult extends ConsumeLoadProgress {
  /** From `run` (which finds the start positions) to the last counted record. */
  seconds: number;
}

export async function consumeLoad(
  klog: Klog,
  options: ConsumeLoadOptions,
  progress: ConsumeLoadProgress = { records: 0, bytes: 0 },
): Promise<ConsumeLoadResult> {
  const wanted = options.records;
  const unfinished = new Map(options.endOffsets);
  const reached = () => (wanted === undefined ? unfinished.size === 0 : progress.records >= wanted);
  if (reached()) return { ...progress, seconds: 0 };

  let crash: (error: Error) => void = () => {};
  const crashed = new Promise<never>((_, reject) => (crash = reject));
  const consumer = klog.consumer({ ...options.consumer, onCrash: (error) => crash(error) });
  const started = performance.now();
  try {
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning });
    const finished = new Promise<number>((resolve, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            if (reached()) return;
            const messages = batch.messages;
            let take = Math.min(messages.length, (wanted ?? Number.POSITIVE_INFINITY) - progress.records);
            const end = unfinished.get(batch.partition);
            if (end !== undefined && Number(batch.lastOffset()) >= end - 1) {
              // This batch reaches the partition's end at start: count only the records before that end.
              const past = messages.findIndex((message) => Number(message.offset) >= end);
              if (past >= 0) take = Math.min(take, past);
              unfinished.delete(batch.partition);
            }
            let bytes = 0;
            for (let i = 0; i < take; i++) bytes += messages[i]?.size ?? 0;
            progress.records += take;
            progress.bytes += bytes;
            if (reached()) resolve(performance.now());
          },
        })
        .catch(reject);
    });
    const endedAt = await Promise.race([finished, crashed]);
    return { ...progress, seconds: (endedAt - started) / 1000 };
  } finally {
    await consumer.disconnect();
  }
}
