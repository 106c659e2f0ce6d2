import { Flags } from '@oclif/core';
import { type RetryConfig, retryDefaults } from '../../../sdk/client/retrier.js';
import { consumerDefaults } from '../../../sdk/config.js';
import { KlogError } from '../../../sdk/errors.js';
import { KlogCommand } from '../../base-command.js';
import { type BenchRow, formatFigure, renderBenchTable } from '../../bench/bench-table.js';
import { type ConsumeLoadProgress, consumeLoad } from '../../bench/consume-load.js';
import { PeakRss } from '../../bench/peak-rss.js';
import { ProgressLine } from '../../bench/progress-line.js';
import { progressText } from '../../bench/progress-text.js';
import { megabytes, perMegabyte, perSecond, type RequestCounts, requestsBetween, round } from '../../bench/rates.js';

export interface BenchConsumeResult {
  topic: string;
  partitions: number;
  url: string;
  settings: {
    fromBeginning: boolean;
    maxBytes: number;
    maxBytesPerPartition: number;
    /** The --records target, or null for everything up to the end at the start. */
    records: number | null;
  };
  records: number;
  /** Payload bytes read: keys, values and headers. */
  bytes: number;
  seconds: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  requests: RequestCounts;
  getsPerMegabyte: number | null;
  peakRssMegabytes: number;
}

export default class BenchConsume extends KlogCommand<typeof BenchConsume> {
  static override summary = 'Measure consumer throughput and object-store requests.';
  static override description = `Reads --topic with one consumer and prints records/s, MB/s, the object-store \
requests by type, GETs per MB and the peak RSS of this process. Without --records it reads everything up to each \
partition's end as it was at the start; with --records it stops after that many records, waiting for new ones if \
the topic holds fewer. A live progress line is drawn on stderr when it is a terminal; the final table goes to stdout.
A MB is 1,000,000 bytes of payload (keys, values and headers). Fill the topic first with "klog bench produce".`;
  static override examples = [
    '<%= config.bin %> bench consume',
    '<%= config.bin %> bench consume --topic bench-1k --records 100000 --max-bytes 67108864',
    '<%= config.bin %> bench consume --no-from-beginning --records 1000000 --url s3://my-bucket/klog --json',
  ];
  static override enableJsonFlag = true;
  /** A benchmark runs long: a transient store error is retried as the SDK does, not allowed to end the run. */
  protected static override clientRetry: Partial<RetryConfig> = retryDefaults;
  static override flags = {
    topic: Flags.string({ summary: 'Topic to read.', default: 'klog-bench' }),
    records: Flags.integer({
      summary: 'Records to read (default: everything up to the end at the start).',
      min: 1,
    }),
    'from-beginning': Flags.boolean({
      summary: 'Start at the earliest offset; --no-from-beginning starts at the end and needs --records.',
      default: true,
      allowNo: true,
    }),
    'max-bytes': Flags.integer({
      summary: 'Payload bytes the consumer buffers across partitions.',
      default: consumerDefaults.maxBytes,
      min: 1,
    }),
    'max-bytes-per-partition': Flags.integer({
      summary: 'Payload bytes one read of one partition asks for.',
      default: consumerDefaults.maxBytesPerPartition,
      min: 1,
    }),
  };

  async run(): Promise<BenchConsumeResult> {
    const { flags } = this;
    const topic = flags.topic;
    const fromBeginning = flags['from-beginning'];
    if (!fromBeginning && flags.records === undefined) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        '--no-from-beginning starts at the end of the topic, where there is nothing to read yet: give --records N ' +
          'and produce to the topic while the benchmark waits, or drop --no-from-beginning.',
        { context: { topic } },
      );
    }
    const offsets = await this.klog.admin().fetchTopicOffsets(topic);
    // From the beginning, each partition is read from its log start to its end at this moment.
    const endOffsets = new Map(
      offsets
        .filter(({ low, high }) => BigInt(high) > BigInt(low))
        .map(({ partition, high }) => [partition, Number(high)]),
    );
    const settings: BenchConsumeResult['settings'] = {
      fromBeginning,
      maxBytes: flags['max-bytes'],
      maxBytesPerPartition: flags['max-bytes-per-partition'],
      records: flags.records ?? null,
    };

    const before = this.klog.counters();
    const counted: ConsumeLoadProgress = { records: 0, bytes: 0 };
    const targetRecords =
      flags.records ?? offsets.reduce((sum, { low, high }) => sum + Math.max(0, Number(high) - Number(low)), 0);
    const rss = new PeakRss();
    const started = performance.now();
    const progress = new ProgressLine(() =>
      progressText({
        verb: 'read',
        records: counted.records,
        bytes: counted.bytes,
        seconds: (performance.now() - started) / 1000,
        targetRecords,
      }),
    );
    rss.start();
    progress.start();
    let load: Awaited<ReturnType<typeof consumeLoad>>;
    try {
      load = await consumeLoad(
        this.klog,
        {
          topic,
          fromBeginning,
          consumer: { maxBytes: settings.maxBytes, maxBytesPerPartition: settings.maxBytesPerPartition },
          records: flags.records,
          endOffsets: flags.records === undefined ? endOffsets : undefined,
        },
        counted,
      );
    } finally {
      progress.stop();
    }
    const peakRssBytes = rss.stop();
    const requests = requestsBetween(before.requests, this.klog.counters().requests);

    const result: BenchConsumeResult = {
      topic,
      partitions: offsets.length,
      url: this.settings.url,
      settings,
      records: load.records,
      bytes: load.bytes,
      seconds: round(load.seconds, 3),
      recordsPerSecond: Math.round(perSecond(load.records, load.seconds)),
      megabytesPerSecond: round(megabytes(perSecond(load.bytes, load.seconds)), 2),
      requests,
      getsPerMegabyte: round(perMegabyte(requests.get, load.bytes), 3),
      peakRssMegabytes: round(megabytes(peakRssBytes), 1),
    };
    if (!this.jsonEnabled()) this.log(`${caption(result)}\n\n${renderBenchTable(tableRows(result)).trimEnd()}`);
    return result;
  }

  protected override missingTopicAdvice(topic: string): string {
    return `Fill it with: ${this.config.bin} bench produce --topic ${topic}${this.storeFlags()}`;
  }
}

function caption(result: BenchConsumeResult): string {
  const { settings } = result;
  return [
    `bench consume from ${result.topic} (${result.partitions} partitions) at ${result.url}:`,
    settings.fromBeginning ? 'from the beginning,' : 'from the end,',
    settings.records === null ? 'up to the end at the start,' : `${formatFigure(settings.records)} records,`,
    `max bytes ${formatFigure(settings.maxBytes)}, per partition ${formatFigure(settings.maxBytesPerPartition)}`,
  ].join(' ');
}

function tableRows(result: BenchConsumeResult): BenchRow[] {
  const { requests } = result;
  return [
    { metric: 'records', value: result.records, unit: 'records' },
    { metric: 'data', value: megabytes(result.bytes), unit: 'MB', digits: 2 },
    { metric: 'elapsed', value: result.seconds, unit: 's', digits: 2 },
    { metric: 'throughput', value: result.recordsPerSecond, unit: 'records/s' },
    { metric: 'throughput', value: result.megabytesPerSecond, unit: 'MB/s', digits: 2 },
    { metric: 'GET', value: requests.get, unit: 'requests' },
    { metric: 'HEAD', value: requests.head, unit: 'requests' },
    { metric: 'LIST', value: requests.list, unit: 'requests' },
    { metric: 'PUT', value: requests.put, unit: 'requests' },
    { metric: 'GETs per MB', value: result.getsPerMegabyte, unit: 'requests/MB', digits: 2 },
    { metric: 'peak RSS', value: result.peakRssMegabytes, unit: 'MB', digits: 1 },
  ];
}
