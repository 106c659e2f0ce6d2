import { randomUUID } from 'node:crypto';
import { Args, Flags } from '@oclif/core';
import type { Admin } from '../../sdk/admin/admin.js';
import { retryDefaults } from '../../sdk/client/retrier.js';
import type { Batch } from '../../sdk/consumer/batch.js';
import type { Consumer } from '../../sdk/consumer/consumer.js';
import type { EachBatchPayload } from '../../sdk/consumer/handlers.js';
import { KlogError } from '../../sdk/errors.js';
import { validateName } from '../../sdk/names.js';
import { cliClientId, KlogCommand } from '../base-command.js';
import { type ByteEncoding, encodings } from '../byte-encoding.js';
import { consoleFormatter, formatFormatter, type RecordFormatter } from '../consume-format.js';
import { ConsumeLimits } from '../consume-limits.js';
import { unescapeText } from '../escapes.js';
import { GroupEnd, type GroupEndSources, GroupEndWatch } from '../group-end.js';
import { jsonLine } from '../json-envelope.js';
import { type OffsetSpec, type PartitionBounds, parseOffsetSpec, startOffset } from '../offset-spec.js';
import { OutputStream } from '../output-stream.js';
import { onStopSignal } from '../stop-signals.js';

/** The --offset forms that apply to a group: where a partition without a committed offset starts. */
type GroupOffsetSpec = Extract<OffsetSpec, { kind: 'beginning' | 'end' | 'timestamp' }>;

/** How often --exit-at-end in a group reads the group's state (1 GET, 1 LIST and 1 GET per member on S3). */
const REMOTE_END_CHECK_MS = 1000;
const LOCAL_END_CHECK_MS = 100;

const PRINT_FLAGS = ['print-key', 'print-timestamp', 'print-partition', 'print-offset', 'print-headers'] as const;

export default class Consume extends KlogCommand<typeof Consume> {
  static override summary = 'Print the records of a topic, from where --offset says, until Ctrl-C or a limit.';
  static override description =
    `Reads every partition of the topic (or those given with --partition) and prints each record's value on its own line, as Kafka's console consumer does; the --print-* flags add fields, --format prints what kcat's -f would, and --json prints one JSON object per record.

Where it starts (in every partition): the end, so only new records are printed (as Kafka's console consumer), unless --from-beginning or --offset says otherwise. --offset takes beginning, end, an offset N, -N for the last N records of each partition, or @ and a time (ms since the epoch or an ISO 8601 date) for the first record at or after it.

When it stops: after --count records; with --exit-at-end, once every partition has been read up to its end as it was when consumption started; otherwise it follows the log until Ctrl-C (or SIGTERM), which exits with code 0 after the record being printed, never half-way through one. A reader that goes away (klog consume t | head -1) ends it quietly too.

Keys, values and header values are printed as the bytes stored, or in base64 with --encoding base64. Under --json they are UTF-8 strings (bytes that are not valid UTF-8 become U+FFFD: use --encoding base64 for binary data); offsets and timestamps are strings, as in the SDK.

With --group it consumes as a member of that consumer group, as Kafka's console consumer does: the group shares the topic's partitions among its members (other klog consume --group runs or applications), and the offsets of the records printed are committed (every 5 s, and a last time when it exits: after a limit, Ctrl-C or SIGTERM). Each partition starts at the group's committed offset; only where the group has none do --from-beginning (or --offset beginning), --offset end (the default) and --offset @<time> apply. --offset N and -N name positions in every partition, which a group keeps per partition: use klog group reset-offsets instead; --partition cannot be used either, since the group assigns the partitions. --exit-at-end exits once every partition the group assigns to this member has been read up to its end as it was at the start (records after it are left for the next run). Without --group nothing is committed.`;

  static override examples = [
    {
      description: 'Print every record of "orders" and exit at the end',
      command: '<%= config.bin %> consume orders --from-beginning --exit-at-end',
    },
    {
      description: 'Follow new records with their keys and offsets (Ctrl-C to stop)',
      command: '<%= config.bin %> consume orders --print-key --print-offset',
    },
    {
      description: 'The last record of each partition, as JSON',
      command: '<%= config.bin %> consume orders --offset -1 --exit-at-end --json',
    },
    {
      description: "kcat's format tokens: partition, offset, key and value",
      command: "<%= config.bin %> consume orders --from-beginning --format 'p%p o%o %k=%s\\n' --count 10",
    },
    {
      description: 'Read as a member of the group "billing", committing offsets; the next run continues from there',
      command: '<%= config.bin %> consume orders --group billing --from-beginning --exit-at-end',
    },
    {
      description: 'Records of partitions 0 and 2 since a time, on S3',
      command:
        '<%= config.bin %> consume orders --partition 0 --partition 2 --offset @2025-06-01T00:00:00Z --url s3://my-bucket/klog',
    },
  ];

  static override enableJsonFlag = true;

  /** Following a log may go on for days: ride out a short outage of the store instead of exiting. */
  protected static override clientRetry = retryDefaults;

  static override args = {
    topic: Args.string({ required: true, description: 'The topic to read.' }),
  };

  static override flags = {
    'from-beginning': Flags.boolean({
      summary: 'Start at the beginning of each partition (same as --offset beginning).',
      exclusive: ['offset'],
    }),
    offset: Flags.string({
      summary: 'Where to start: beginning, end, N, -N (N before the end) or @<ms or ISO date>. Default: end.',
      helpValue: '<where>',
    }),
    partition: Flags.integer({
      summary: 'Read only this partition; repeat the flag (or give a list: 0,2) for several.',
      multiple: true,
      delimiter: ',',
      min: 0,
      helpValue: '<n>',
    }),
    'exit-at-end': Flags.boolean({
      summary: 'Exit once every partition is read up to its end as it was at the start.',
    }),
    count: Flags.integer({
      summary: 'Exit after printing this many records.',
      aliases: ['max-messages'],
      min: 1,
      helpValue: '<n>',
    }),
    // The --print-* flags shape the default layout only; run() refuses them with --format or --json (oclif's
    // `exclusive` would do it too, but garbles the usage line when several flags share the same exclusions).
    'print-key': Flags.boolean({ summary: 'Print the key before the value.' }),
    'print-timestamp': Flags.boolean({ summary: 'Print CreateTime:<ms>.' }),
    'print-partition': Flags.boolean({ summary: 'Print Partition:<n>.' }),
    'print-offset': Flags.boolean({ summary: 'Print Offset:<n>.' }),
    'print-headers': Flags.boolean({ summary: 'Print the headers as key:value,key:value (or NO_HEADERS).' }),
    'key-separator': Flags.string({
      summary: 'What separates the fields the --print-* flags add ("\\t" is a tab).',
      default: '\\t',
      helpValue: '<text>',
    }),
    format: Flags.string({
      summary: "Print each record with kcat's tokens: %t %p %o %T %k %s %K %S %h, \\n and \\t.",
      helpValue: '<format>',
      exclusive: ['json'],
    }),
    encoding: Flags.string({
      summary: 'How keys, values and header values are printed: utf8 (the bytes as stored) or base64.',
      options: [...encodings],
      default: 'utf8',
    }),
    group: Flags.string({
      summary: 'Consume as a member of this consumer group, committing offsets; it starts at the committed offsets.',
      helpValue: '<group>',
    }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Consume);
    const { flags } = this;
    const topic = validateName('topic', args.topic);
    const spec = parseOffsetSpec(flags.offset ?? (flags['from-beginning'] ? 'beginning' : 'end'));
    const group = flags.group === undefined ? undefined : validateName('group', flags.group);
    if (group !== undefined) this.checkGroupFlags(spec);
    const render = this.formatter(flags.encoding as ByteEncoding);

    const stop = new Stop();
    const removeSignalHandlers = onStopSignal(() => stop.stop());
    try {
      if (group === undefined) await this.consume(topic, spec, render, stop);
      else await this.consumeInGroup(topic, group, spec as GroupOffsetSpec, render, stop);
    } finally {
      removeSignalHandlers();
    }
  }

  private async consume(topic: string, spec: OffsetSpec, render: RecordFormatter, stop: Stop): Promise<void> {
    const { flags } = this;
    const bounds = await partitionBounds(this.klog.admin(), topic, spec, flags.partition);
    const starts = new Map<number, bigint>();
    const ranges = new Map<number, { start: bigint; end: bigint }>();
    for (const partition of bounds) {
      const start = startOffset(spec, partition);
      if (start.note !== undefined) this.logToStderr(`klog: ${start.note}`);
      starts.set(partition.partition, start.offset);
      ranges.set(partition.partition, { start: start.offset, end: partition.high });
    }
    const limits = new ConsumeLimits({ count: flags.count, ranges: flags['exit-at-end'] ? ranges : undefined });
    if (limits.done) return;

    const output = new OutputStream(process.stdout, () => stop.stop());
    // A position that retention removed while starting up restarts at the log start rather than failing.
    const consumer = this.klog.consumer({ autoOffsetReset: 'earliest', onCrash: (error) => stop.stop(error) });
    consumer.assign([{ topic, partitions: [...starts.keys()] }]);
    for (const [partition, offset] of starts) consumer.seek({ topic, partition, offset: offset.toString() });
    const eachBatch = async ({ batch }: { batch: Batch }): Promise<void> => {
      if (stop.stopped) return;
      const taken = limits.take(batch.partition, batch.messages);
      if (taken > 0) {
        const records = batch.messages.slice(0, taken);
        await output.write(
          Buffer.concat(records.map((message) => render({ topic, partition: batch.partition, message }))),
        );
      }
      if (limits.done) stop.stop();
    };
    try {
      await consumer.run({ eachBatch });
      await stop.finished;
    } finally {
      await consumer.disconnect();
    }
    if (output.error !== undefined) throw output.error;
  }

  /**
   * As a member of the group: the group assigns partitions and their committed offsets say where each starts; the
   * handler resolves only the records it printed, so a limit or a signal mid-batch commits exactly those.
   */
  private async consumeInGroup(
    topic: string,
    group: string,
    spec: GroupOffsetSpec,
    render: RecordFormatter,
    stop: Stop,
  ): Promise<void> {
    const { flags } = this;
    const admin = this.klog.admin();
    // Also fails at once, with the usual advice, when the topic does not exist.
    const bounds = await partitionBounds(admin, topic, spec, undefined);
    const limits = new ConsumeLimits({ count: flags.count });
    const end = flags['exit-at-end']
      ? new GroupEnd({
          ends: new Map(bounds.map((partition) => [partition.partition, partition.high])),
          starts: new Map(bounds.map((partition) => [partition.partition, startOffset(spec, partition).offset])),
        })
      : undefined;
    // A member id of its own, to find this member's assignment in the group's description (--exit-at-end).
    const memberId = `${cliClientId}-${randomUUID()}`;
    const output = new OutputStream(process.stdout, () => stop.stop());
    const consumer = this.klog.consumer({ groupId: group, groupInstanceId: memberId, onCrash: (e) => stop.stop(e) });
    await consumer.subscribe({
      topics: [topic],
      fromBeginning: spec.kind === 'beginning',
      ...(spec.kind === 'timestamp' ? { fromTimestamp: spec.timestamp } : {}),
    });
    const watch =
      end === undefined
        ? undefined
        : new GroupEndWatch(
            end,
            groupEndSources(consumer, admin, { group, topic, memberId }),
            this.settings.url.startsWith('s3:') ? REMOTE_END_CHECK_MS : LOCAL_END_CHECK_MS,
          );
    const eachBatch = async ({ batch, resolveOffset, pause }: EachBatchPayload): Promise<void> => {
      if (stop.stopped) return;
      const { partition, messages } = batch;
      const before = end === undefined ? messages.length : end.before(partition, messages);
      const taken = limits.take(partition, messages.slice(0, before));
      if (taken > 0) {
        await output.write(
          Buffer.concat(messages.slice(0, taken).map((message) => render({ topic, partition, message }))),
        );
        const last = messages[taken - 1]!.offset;
        resolveOffset(last);
        end?.printed(partition, BigInt(last));
      }
      if (end !== undefined && (before < messages.length || end.printedToEnd(partition))) {
        // Nothing before the end is left in this partition. The records after it stay unresolved (uncommitted)
        // for the next run, and would be delivered again and again: stop fetching them.
        pause();
        watch?.poke();
      }
      if (limits.done) stop.stop();
    };
    try {
      await consumer.run({ eachBatch, eachBatchAutoResolve: false });
      watch?.run().then(
        (atEnd) => {
          if (atEnd) stop.stop();
        },
        (error: unknown) => stop.stop(error),
      );
      await stop.finished;
    } finally {
      watch?.stop();
      // Leaving the group commits the offsets of the records printed.
      await consumer.disconnect();
    }
    if (output.error !== undefined) throw output.error;
  }

  /** --offset forms that name one position for every partition cannot apply to a group; nor can --partition. */
  private checkGroupFlags(spec: OffsetSpec): asserts spec is GroupOffsetSpec {
    if (this.flags.partition !== undefined) {
      this.error('--partition cannot be used with --group: the group assigns the partitions to its members.', {
        exit: 2,
      });
    }
    if (spec.kind === 'absolute' || spec.kind === 'fromEnd') {
      this.error(
        `--offset ${this.flags.offset} cannot be used with --group: a group starts each partition at its committed ` +
          'offset. Move those with: klog group reset-offsets (or use --offset beginning, end or @<time>, which ' +
          'apply where the group has no committed offset).',
        { exit: 2 },
      );
    }
  }

  private formatter(encoding: ByteEncoding): RecordFormatter {
    const { flags } = this;
    const other = this.jsonEnabled() ? '--json' : flags.format === undefined ? undefined : '--format';
    const print = PRINT_FLAGS.find((name) => flags[name]);
    if (other !== undefined && print !== undefined) {
      this.error(`--${print} cannot be used with ${other}, which prints every field itself.`, { exit: 2 });
    }
    if (this.jsonEnabled()) return (record) => jsonLine(record, encoding);
    if (flags.format !== undefined) return formatFormatter(flags.format, encoding);
    return consoleFormatter({
      printKey: flags['print-key'],
      printTimestamp: flags['print-timestamp'],
      printPartition: flags['print-partition'],
      printOffset: flags['print-offset'],
      printHeaders: flags['print-headers'],
      separator: unescapeText(flags['key-separator']),
      encoding,
    });
  }
}

/** Each partition to read, with its log start and end (and the offset at the time, for @<time>). */
async function partitionBounds(
  admin: Admin,
  topic: string,
  spec: OffsetSpec,
  only: readonly number[] | undefined,
): Promise<PartitionBounds[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const wanted = only === undefined ? offsets.map((entry) => entry.partition) : [...new Set(only)];
  const missing = wanted.filter((partition) => !offsets.some((entry) => entry.partition === partition));
  if (missing.length > 0) {
    const range = offsets.length === 1 ? '0 only' : `0 to ${offsets.length - 1}`;
    throw new KlogError(
      'PARTITION_NOT_FOUND',
      `Topic "${topic}" has no partition ${missing.join(', ')}: its partitions are ${range}. Choose from those ` +
        'with --partition, or leave the flag out to read them all.',
      { context: { topic, partition: missing[0] } },
    );
  }
  const atTime =
    spec.kind === 'timestamp' ? await admin.fetchTopicOffsetsByTimestamp(topic, spec.timestamp) : undefined;
  return wanted.map((partition) => {
    const entry = offsets.find((offset) => offset.partition === partition)!;
    const found = atTime?.find((offset) => offset.partition === partition)?.offset;
    return {
      partition,
      low: BigInt(entry.low),
      high: BigInt(entry.high),
      ...(found === undefined ? {} : { atTimestamp: BigInt(found) }),
    };
  });
}

/** What --exit-at-end in a group reads: this member's assignment (from the group's description), committed offsets. */
function groupEndSources(
  consumer: Consumer,
  admin: Admin,
  { group, topic, memberId }: { group: string; topic: string; memberId: string },
): GroupEndSources {
  return {
    assigned: async () => {
      const description = await consumer.describeGroup();
      const member = description.members.find((candidate) => candidate.memberId === memberId);
      if (description.state !== 'Stable' || member === undefined) return null;
      return member.assignment.filter((entry) => entry.topic === topic).flatMap((entry) => entry.partitions);
    },
    committed: async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return new Map(
        (offsets?.partitions ?? []).map((entry) => [
          entry.partition,
          entry.offset === '-1' ? null : BigInt(entry.offset),
        ]),
      );
    },
  };
}

/** The end of a run: resolved by a limit, a signal or a closed stdout; rejected by the consumer's crash. */
class Stop {
  readonly finished: Promise<void>;
  private isStopped = false;
  private settle!: (error?: unknown) => void;

  constructor() {
    this.finished = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Awaited only once the consumer runs: a crash before then must not count as an unhandled rejection.
    this.finished.catch(() => undefined);
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  readonly stop = (error?: unknown): void => {
    if (this.isStopped) return;
    this.isStopped = true;
    this.settle(error);
  };
}
