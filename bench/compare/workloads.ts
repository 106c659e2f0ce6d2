/**
 * The comparison's workloads, written once against BenchSystem so klog and Kafka run exactly the same code:
 * a producer sending fixed-size keyless records as fast as it may, a consumer group member reading them all
 * from the beginning, and a producer and consumer in one process timing each record from send to delivery.
 */

import { requestsBetween } from '../../cli/bench/rates.js';
import type { RequestCounts } from '../../sdk/store/counting-object-store.js';
import { percentile, round } from './stats.js';
import type { BenchSystem } from './systems.js';

export interface ProduceJob {
  role: 'produce';
  topic: string;
  partitions: number;
  records: number;
  recordBytes: number;
  /** Records per `send` call. */
  recordsPerSend: number;
  /** `send` calls awaited at once. */
  sendsInFlight: number;
  lingerMs: number;
}

export interface ConsumeJob {
  role: 'consume';
  topic: string;
  records: number;
  recordBytes: number;
}

export interface LatencyJob {
  role: 'latency';
  topic: string;
  seconds: number;
  lingerMs: number;
}

export type Job = ProduceJob | ConsumeJob | LatencyJob;

export interface ProduceResult {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  /** CPU of the producer process over the run, in % of one core. */
  cpuPercent: number;
  requests: RequestCounts | null;
}

export interface ConsumeResult {
  records: number;
  /** From the moment the consumer may fetch (see BenchConsumer.run) to the last record delivered. */
  seconds: number;
  /** From `run` to the moment the consumer may fetch: Kafka's group join and sync. */
  joinMs: number;
  /** From the moment the consumer may fetch to the first record delivered. */
  firstRecordMs: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  requests: RequestCounts | null;
}

export interface LatencyResult {
  records: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

function requestsSince(system: BenchSystem, before: RequestCounts | null): RequestCounts | null {
  const after = system.requests();
  return after === null || before === null ? null : requestsBetween(before, after);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function produce(system: BenchSystem, job: ProduceJob): Promise<ProduceResult> {
  await system.createTopic(job.topic, job.partitions);
  const producer = await system.producer({ lingerMs: job.lingerMs });
  const value = Buffer.alloc(job.recordBytes, 7);
  const messages = Array.from({ length: job.recordsPerSend }, () => ({ value }));
  const before = system.requests();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  let sent = 0;
  while (sent < job.records) {
    const batch = job.records - sent >= messages.length ? messages : messages.slice(0, job.records - sent);
    inFlight.push(producer.send(job.topic, batch));
    sent += batch.length;
    if (inFlight.length >= job.sendsInFlight) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    records: sent,
    seconds: round(seconds, 2),
    recordsPerSecond: Math.round(sent / seconds),
    megabytesPerSecond: round((sent * job.recordBytes) / seconds / 1e6),
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
    requests: requestsSince(system, before),
  };
}

export async function consume(system: BenchSystem, job: ConsumeJob): Promise<ConsumeResult> {
  const before = system.requests();
  const consumer = await system.consumer(`bench-${job.topic}-${process.pid}`);
  let received = 0;
  let joinedAt = 0;
  let firstAt = 0;
  let lastAt = 0;
  const started = performance.now();
  const done = new Promise<void>((resolve) => {
    const handle = (records: readonly unknown[]) => {
      if (records.length === 0) return;
      if (firstAt === 0) firstAt = performance.now();
      received += records.length;
      if (received >= job.records) {
        lastAt = performance.now();
        resolve();
      }
    };
    void consumer.run(job.topic, handle, () => {
      joinedAt = performance.now();
    });
  });
  await done;
  await consumer.disconnect();
  const from = joinedAt === 0 ? started : joinedAt;
  const seconds = (lastAt - from) / 1000;
  return {
    records: received,
    seconds: round(seconds, 2),
    joinMs: Math.round(from - started),
    firstRecordMs: Math.round(firstAt - from),
    recordsPerSecond: Math.round(received / seconds),
    megabytesPerSecond: round((received * job.recordBytes) / seconds / 1e6),
    requests: requestsSince(system, before),
  };
}

/**
 * One small record every millisecond for `seconds`, consumed in the same process (one clock). A first record is
 * sent and awaited at the consumer before timing starts, so a group's join is not counted as latency.
 */
export async function latency(system: BenchSystem, job: LatencyJob): Promise<LatencyResult> {
  await system.createTopic(job.topic, 1);
  const consumer = await system.consumer(`bench-${job.topic}-${process.pid}`);
  const producer = await system.producer({ lingerMs: job.lingerMs });
  let measuring = 0;
  let warmedUp = false;
  const latencies: number[] = [];
  await consumer.run(job.topic, (records) => {
    const now = Date.now();
    for (const record of records) {
      const sentAt = Number(record.timestamp);
      if (measuring > 0 && sentAt >= measuring) latencies.push(now - sentAt);
      else warmedUp = true;
    }
  });
  await producer.send(job.topic, [{ value: 'warm-up' }]);
  const warmUpDeadline = Date.now() + 60_000;
  while (!warmedUp) {
    if (Date.now() > warmUpDeadline) throw new Error(`The consumer of ${job.topic} got no record within 60 s.`);
    await sleep(10);
  }
  measuring = Date.now();
  const deadline = measuring + job.seconds * 1000;
  const sends: Promise<unknown>[] = [];
  while (Date.now() < deadline) {
    sends.push(producer.send(job.topic, [{ value: 'ping', timestamp: String(Date.now()) }]));
    await sleep(1);
  }
  await Promise.all(sends);
  const drainDeadline = Date.now() + 10_000;
  while (latencies.length < sends.length && Date.now() < drainDeadline) await sleep(10);
  await producer.disconnect();
  await consumer.disconnect();
  latencies.sort((a, b) => a - b);
  return {
    records: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    p999Ms: percentile(latencies, 0.999),
    maxMs: latencies.at(-1) ?? Number.NaN,
  };
}
