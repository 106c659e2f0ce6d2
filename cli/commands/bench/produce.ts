import { Flags } from '@oclif/core';
import { type RetryConfig, retryDefaults } from '../../../sdk/client/retrier.js';
import { producerDefaults } from '../../../sdk/config.js';
import type { Compression } from '../../../sdk/format/compression.js';
import { KlogCommand } from '../../base-command.js';
import { type BenchRow, formatFigure, renderBenchTable } from '../../bench/bench-table.js';
import type { LatencySummary } from '../../bench/latency-histogram.js';
import { PeakRss } from '../../bench/peak-rss.js';
import { produceLoad } from '../../bench/produce-load.js';
import { ProgressLine } from '../../bench/progress-line.js';
import { progressText } from '../../bench/progress-text.js';
import { megabytes, perMegabyte, perSecond, type RequestCounts, requestsBetween, round } from '../../bench/rates.js';

const DEFAULT_RECORDS = 1_000_000;

export interface BenchProduceResult {
  topic: string;
  partitions: number;
  url: string;
  settings: {
    recordSize: number;
    keys: boolean;
    messagesPerSend: number;
    lingerMs: number;
    batchMaxBytes: number;
    compression: Compression;
    durationSeconds: number | null;
    /** The --throughput target in records/s, or null for as fast as possible. */
    throughput: number | null;
  };
  records: number;
  /** Payload bytes stored: keys and values. */
  bytes: number;
  seconds: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  /** From each `send` call to its promise resolving (the records are stored). */
  sendLatencyMs: LatencySummary;
  requests: RequestCounts;
  putsPerMegabyte: number | null;
  peakRssMegabytes: number;
}

export default class BenchProduce extends KlogCommand<typeof BenchProduce> {
  static override summary = 'Measure producer throughput, send latency and object-store requests.';
  static override description = `Sends records of --record-size random bytes to --topic, --messages-per-send \
records per send call, for --records records or --duration seconds, and prints records/s, MB/s, the latency from \
each send call to its promise resolving (p50, p99, p999), the object-store requests by type, PUTs per MB and the \
peak RSS of this process. The topic is created with --partitions if it does not exist.
Without --throughput the producer runs flat out: sends wait for room in its buffer, so the latency is mostly \
queueing. Give --throughput (records/s) to see the latency at a set load, as with kafka-producer-perf-test.
A live progress line is drawn on stderr when it is a terminal; the final table goes to stdout. A MB is \
1,000,000 bytes of payload (keys and values).`;
  static override examples = [
    '<%= config.bin %> bench produce',
    '<%= config.bin %> bench produce --topic bench-1k --record-size 1024 --records 200000 --linger-ms 50',
    '<%= config.bin %> bench produce --throughput 20000 --duration 20',
    '<%= config.bin %> bench produce --duration 30 --keys --compression snappy --url s3://my-bucket/klog --json',
  ];
  static override enableJsonFlag = true;
  /** A benchmark runs long: a transient store error is retried as the SDK does, not allowed to end the run. */
  protected static override clientRetry: Partial<RetryConfig> = retryDefaults;
  static override flags = {
    topic: Flags.string({ summary: 'Topic to produce to.', default: 'klog-bench' }),
    partitions: Flags.integer({ summary: 'Partitions of the topic, if it has to be created.', default: 4, min: 1 }),
    records: Flags.integer({
      summary: `Records to send (default ${DEFAULT_RECORDS.toLocaleString('en-US')}).`,
      min: 1,
      exclusive: ['duration'],
    }),
    duration: Flags.integer({
      summary: 'Send for this many seconds instead of a number of records.',
      min: 1,
      exclusive: ['records'],
    }),
    'record-size': Flags.integer({ summary: 'Bytes of each record value.', default: 100, min: 1 }),
    'messages-per-send': Flags.integer({ summary: 'Records in each send call.', default: 100, min: 1 }),
    throughput: Flags.integer({
      summary: 'Records per second to aim for (default: as fast as possible); latency under a set load.',
      min: 1,
    }),
    keys: Flags.boolean({
      summary: 'Send keyed records (distinct keys, murmur2 partitioning) instead of keyless.',
      default: false,
    }),
    'linger-ms': Flags.integer({
      summary: 'How long a batch waits for more records (default 200 on S3, 5 on local stores).',
      min: 0,
    }),
    'batch-max-bytes': Flags.integer({
      summary: 'A partition batch is written once it holds this many bytes.',
      default: producerDefaults.batchMaxBytes,
      min: 1,
    }),
    compression: Flags.option({
      summary: 'Batch compression.',
      options: ['none', 'gzip', 'snappy'] as const,
      default: 'none',
    })(),
  };

  async run(): Promise<BenchProduceResult> {
    const { flags } = this;
    const topic = flags.topic;
    const partitions = await this.ensureTopic(topic, flags.partitions);
    const settings: BenchProduceResult['settings'] = {
      recordSize: flags['record-size'],
      keys: flags.keys,
      messagesPerSend: flags['messages-per-send'],
      lingerMs: flags['linger-ms'] ?? this.defaultLingerMs(),
      batchMaxBytes: flags['batch-max-bytes'],
      compression: flags.compression,
      durationSeconds: flags.duration ?? null,
      throughput: flags.throughput ?? null,
    };
    const targetRecords = flags.duration === undefined ? (flags.records ?? DEFAULT_RECORDS) : undefined;
    const producer = this.klog.producer({
      lingerMs: settings.lingerMs,
      batchMaxBytes: settings.batchMaxBytes,
      compression: settings.compression,
      allowAutoTopicCreation: false,
    });

    const before = this.klog.counters();
    const rss = new PeakRss();
    const started = performance.now();
    const progress = new ProgressLine(() => {
      const now = this.klog.counters();
      return progressText({
        verb: 'stored',
        records: now.recordsSent - before.recordsSent,
        bytes: now.bytesSent - before.bytesSent,
        seconds: (performance.now() - started) / 1000,
        targetRecords,
        targetSeconds: flags.duration,
      });
    });
    rss.start();
    progress.start();
    let load: Awaited<ReturnType<typeof produceLoad>>;
    try {
      load = await produceLoad(producer, {
        topic,
        records: targetRecords,
        durationMs: flags.duration === undefined ? undefined : flags.duration * 1000,
        recordSize: settings.recordSize,
        keyed: settings.keys,
        messagesPerSend: settings.messagesPerSend,
        recordsPerSecond: flags.throughput,
        windowBytes: producerDefaults.bufferMaxBytes,
      });
    } finally {
      progress.stop();
    }
    const peakRssBytes = rss.stop();
    await producer.disconnect();
    const after = this.klog.counters();

    const bytes = after.bytesSent - before.bytesSent;
    const requests = requestsBetween(before.requests, after.requests);
    const latency = load.latency.summary();
    const result: BenchProduceResult = {
      topic,
      partitions,
      url: this.settings.url,
      settings,
      records: load.records,
      bytes,
      seconds: round(load.seconds, 3),
      recordsPerSecond: Math.round(perSecond(load.records, load.seconds)),
      megabytesPerSecond: round(megabytes(perSecond(bytes, load.seconds)), 2),
      sendLatencyMs: {
        samples: latency.samples,
        p50Ms: round(latency.p50Ms, 3),
        p99Ms: round(latency.p99Ms, 3),
        p999Ms: round(latency.p999Ms, 3),
        maxMs: round(latency.maxMs, 3),
      },
      requests,
      putsPerMegabyte: round(perMegabyte(requests.put, bytes), 3),
      peakRssMegabytes: round(megabytes(peakRssBytes), 1),
    };
    if (!this.jsonEnabled()) this.log(`${caption(result)}\n\n${renderBenchTable(tableRows(result)).trimEnd()}`);
    return result;
  }

  /** Creates the topic when it is missing (with a notice) and returns its partition count. */
  private async ensureTopic(topic: string, partitions: number): Promise<number> {
    const admin = this.klog.admin();
    if (await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })) {
      this.logToStderr(`klog: created topic "${topic}" with ${partitions} partition${partitions === 1 ? '' : 's'}`);
      return partitions;
    }
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length ?? partitions;
  }

  /** The producer's own default, made explicit so that the output says what was used. */
  private defaultLingerMs(): number {
    return this.settings.url.startsWith('s3:') ? producerDefaults.lingerMs : producerDefaults.localLingerMs;
  }
}

function caption(result: BenchProduceResult): string {
  const { settings } = result;
  return [
    `bench produce to ${result.topic} (${result.partitions} partitions) at ${result.url}:`,
    `${formatFigure(settings.recordSize)}-byte values, ${settings.keys ? 'keyed' : 'keyless'},`,
    `${formatFigure(settings.messagesPerSend)} per send, linger ${settings.lingerMs} ms,`,
    `batch max ${formatFigure(settings.batchMaxBytes)} bytes, compression ${settings.compression},`,
    settings.throughput === null ? 'unthrottled' : `target ${formatFigure(settings.throughput)} records/s`,
  ].join(' ');
}

function tableRows(result: BenchProduceResult): BenchRow[] {
  const { sendLatencyMs: latency, requests } = result;
  return [
    { metric: 'records', value: result.records, unit: 'records' },
    { metric: 'data', value: megabytes(result.bytes), unit: 'MB', digits: 2 },
    { metric: 'elapsed', value: result.seconds, unit: 's', digits: 2 },
    { metric: 'throughput', value: result.recordsPerSecond, unit: 'records/s' },
    { metric: 'throughput', value: result.megabytesPerSecond, unit: 'MB/s', digits: 2 },
    { metric: 'send latency p50', value: latency.p50Ms, unit: 'ms', digits: 1 },
    { metric: 'send latency p99', value: latency.p99Ms, unit: 'ms', digits: 1 },
    { metric: 'send latency p999', value: latency.p999Ms, unit: 'ms', digits: 1 },
    { metric: 'send latency max', value: latency.maxMs, unit: 'ms', digits: 1 },
    { metric: 'sends', value: latency.samples, unit: 'calls' },
    { metric: 'PUT', value: requests.put, unit: 'requests' },
    { metric: 'GET', value: requests.get, unit: 'requests' },
    { metric: 'HEAD', value: requests.head, unit: 'requests' },
    { metric: 'LIST', value: requests.list, unit: 'requests' },
    { metric: 'DELETE', value: requests.delete, unit: 'requests' },
    { metric: 'PUTs per MB', value: result.putsPerMegabyte, unit: 'requests/MB', digits: 2 },
    { metric: 'peak RSS', value: result.peakRssMegabytes, unit: 'MB', digits: 1 },
  ];
}
