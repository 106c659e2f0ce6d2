/**
 * The load of `klog bench produce`: sends records as fast as the producer takes them (or at a set rate), for a
 * number of records or for a time, and records each send's latency (from the `send` call to its promise resolving, which is when
 * its records are stored). Sends carry `messagesPerSend` records each, as applications send arrays; sends in
 * flight are bounded by `windowBytes` so that the queue in front of the producer stays bounded and the
 * producer's own buffer limit (`bufferMaxBytes`) is what holds the load back, as it would in an application.
 */
import { randomInt } from 'node:crypto';
import type { Message, Producer } from '../../sdk/producer/producer.js';
import { LatencyHistogram } from './latency-histogram.js';

export interface ProduceLoadOptions {
  topic: string;
  /** Stop after this many records; give this or `durationMs`. */
  records?: number;
  /** Stop sending after this long; records already sent are still waited for. */
  durationMs?: number;
  /** Bytes of each value. */
  recordSize: number;
  /** Keyed records (a distinct key per record, spread by murmur2) or keyless ones (the sticky partitioner). */
  keyed: boolean;
  messagesPerSend: number;
  /** Records per second to aim for, as kafka-producer-perf-test's --throughput; default: as fast as possible. */
  recordsPerSecond?: number;
  /** Bytes of values (and keys) in sends not yet resolved; the next send waits beyond it. */
  windowBytes: number;
}

export interface ProduceLoadResult {
  /** Records sent and stored. */
  records: number;
  /** From the first send to the last one resolving. */
  seconds: number;
  latency: LatencyHistogram;
}

/** A value of `size` random capital letters, as Kafka's producer-perf-test sends; one value serves every record. */
export function benchValue(size: number): Buffer {
  const value = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) value[i] = 65 + randomInt(26);
  return value;
}

export async function produceLoad(producer: Producer, options: ProduceLoadOptions): Promise<ProduceLoadResult> {
  const value = benchValue(options.recordSize);
  const shared: Message[] = Array.from({ length: options.messagesPerSend }, () => ({ value }));
  // Keys are decimal record numbers: 8 bytes is about right, and the window need not be exact.
  const sendBytes = options.messagesPerSend * (options.recordSize + (options.keyed ? 8 : 0));
  const maxInFlight = Math.max(1, Math.floor(options.windowBytes / sendBytes));
  const latency = new LatencyHistogram();
  const total = options.records ?? Number.POSITIVE_INFINITY;
  let failure: { error: unknown } | undefined;
  let inFlight = 0;
  let acknowledged = 0;
  let wake: (() => void) | undefined;
  const settled = () => {
    inFlight--;
    wake?.();
  };
  const waitUntil = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  };

  const started = performance.now();
  const deadline = options.durationMs === undefined ? Number.POSITIVE_INFINITY : started + options.durationMs;
  let sent = 0;
  while (sent < total && failure === undefined) {
    if (options.recordsPerSecond !== undefined) await paceTo(started + (sent / options.recordsPerSecond) * 1000);
    if (performance.now() >= deadline) break;
    const count = Math.min(options.messagesPerSend, total - sent);
    const messages = options.keyed
      ? keyedMessages(sent, count, value)
      : count === shared.length
        ? shared
        : shared.slice(0, count);
    const sentAt = performance.now();
    inFlight++;
    producer.send({ topic: options.topic, messages }).then(
      () => {
        latency.record(performance.now() - sentAt);
        acknowledged += count;
        settled();
      },
      (error: unknown) => {
        failure ??= { error };
        settled();
      },
    );
    sent += count;
    if (inFlight >= maxInFlight) await waitUntil(() => inFlight < maxInFlight);
  }
  // The last batches need not wait for lingerMs: nothing more is coming.
  await producer.flush();
  await waitUntil(() => inFlight === 0);
  const seconds = (performance.now() - started) / 1000;
  if (failure !== undefined) throw failure.error;
  return { records: acknowledged, seconds, latency };
}

/** Waits until `when` (a performance.now() time) when the load runs ahead of its target rate. */
async function paceTo(when: number): Promise<void> {
  // Timers may fire a little early by this clock: wait again until the time has really come.
  for (let ahead = when - performance.now(); ahead > 0; ahead = when - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, ahead));
  }
}

/** Keys are the record's number, so each key is distinct and keyed records spread over every partition. */
function keyedMessages(first: number, count: number, value: Buffer): Message[] {
  const messages: Message[] = new Array(count);
  for (let i = 0; i < count; i++) messages[i] = { key: String(first + i), value };
  return messages;
}
