import { Flags } from '@oclif/core';
import type { Admin } from '../../../sdk/admin/admin.js';
import type { OffsetChange } from '../../../sdk/admin/group-admin-types.js';
import { isKlogError, KlogError } from '../../../sdk/errors.js';
import { KlogCommand } from '../../base-command.js';
import { groupArg } from '../../group-arg.js';
import { type ResetStrategy, resetStrategy, resetStrategyFlagNames } from '../../reset-strategy.js';
import { formatTable } from '../../table.js';
import { parseTopicPartitions, type TopicPartitions } from '../../topic-partitions.js';

interface PlannedOffset {
  topic: string;
  partition: number;
  /** The committed offset before, or null when none. */
  currentOffset: string | null;
  newOffset: string;
}

interface ResetResult {
  group: string;
  /** False for a dry run: nothing was written. */
  executed: boolean;
  partitions: PlannedOffset[];
}

const strategies = [...resetStrategyFlagNames];

export default class GroupResetOffsets extends KlogCommand<typeof GroupResetOffsets> {
  static override summary = "Move a consumer group's committed offsets: a dry run unless --execute.";
  static override description =
    `As kafka-consumer-groups --reset-offsets: prints the offsets the group would get (GROUP TOPIC PARTITION CURRENT-OFFSET NEW-OFFSET, where CURRENT-OFFSET is the committed offset now) and changes nothing, unless --execute is given. The group's consumers start from the new offsets when they next take the partitions.

Give one strategy: --to-earliest (the log start), --to-latest (the log end), --to-current (the committed offset; the log end where nothing was committed), --to-offset N, --shift-by N (the committed offset plus N, negative to go back; from the log start where nothing was committed), --to-datetime <time> (the first record at or after an ISO 8601 date or ms since the epoch), or --by-duration <duration> (the first record at or after that long ago: PT1H, P1DT12H, 1h, 30m, 2d). New offsets are kept within each partition's log start and end.

With --execute it is refused while the group has live members (exit code 3), as Kafka refuses it for an active group: stop the consumers first, or add --force (their next commits then fail and they restart from the new offsets). Telling a live member from one that was killed takes up to one session timeout (30 s by default). A dry run does not check the members.`;
  static override examples = [
    {
      description: 'Show where --to-earliest would move every partition of "orders" (a dry run)',
      command: '<%= config.bin %> group reset-offsets billing --topic orders --to-earliest',
    },
    {
      description: 'Rewind partitions 0 and 2 by 100 records, for real',
      command: '<%= config.bin %> group reset-offsets billing --topic orders:0,2 --shift-by -100 --execute',
    },
    {
      description: 'Re-read the last hour of two topics',
      command:
        '<%= config.bin %> group reset-offsets billing --topic orders --topic payments --by-duration PT1H --execute',
    },
    {
      description: 'Start from a date, while consumers run, as JSON',
      command:
        '<%= config.bin %> group reset-offsets billing --topic orders --to-datetime 2025-06-01T00:00:00Z --execute --force --json',
    },
  ];
  static override args = { group: groupArg };
  static override flags = {
    topic: Flags.string({
      summary: 'The topic, or topic:partitions (orders:0,2); repeat the flag for several topics.',
      helpValue: '<topic[:partitions]>',
      required: true,
      multiple: true,
      multipleNonGreedy: true,
    }),
    'to-earliest': Flags.boolean({ summary: 'To the log start.', exactlyOne: strategies }),
    'to-latest': Flags.boolean({ summary: 'To the log end.', exactlyOne: strategies }),
    'to-current': Flags.boolean({
      summary: 'To the committed offset (the log end where none).',
      exactlyOne: strategies,
    }),
    'to-offset': Flags.string({ summary: 'To this offset.', helpValue: '<n>', exactlyOne: strategies }),
    'shift-by': Flags.integer({
      summary: 'By this many records from the committed offset (negative: back).',
      helpValue: '<n>',
      exactlyOne: strategies,
    }),
    'to-datetime': Flags.string({
      summary: 'To the first record at or after this time (ISO 8601 date or ms).',
      helpValue: '<time>',
      exactlyOne: strategies,
    }),
    'by-duration': Flags.string({
      summary: 'To the first record at or after this long ago (PT1H, 1h, 30m, 2d).',
      helpValue: '<duration>',
      exactlyOne: strategies,
    }),
    execute: Flags.boolean({ summary: 'Write the new offsets (otherwise only print them).', exclusive: ['dry-run'] }),
    'dry-run': Flags.boolean({ summary: 'Only print the new offsets (the default; for scripts that say so).' }),
    force: Flags.boolean({ summary: 'With --execute: write even while the group has live members.' }),
  };
  static override enableJsonFlag = true;

  async run(): Promise<ResetResult> {
    const { args } = await this.parse(GroupResetOffsets);
    const { flags } = this;
    const strategy = resetStrategy(flags, Date.now());
    const topics = flags.topic.map(parseTopicPartitions);
    const admin = this.klog.admin();
    // A dry run of every topic first: a missing topic or partition fails the command before anything is written.
    let changes = await this.plan(admin, args.group, topics, strategy, false);
    if (flags.execute) changes = await this.plan(admin, args.group, topics, strategy, true);
    const result = { group: args.group, executed: flags.execute === true, partitions: changes };
    if (!this.jsonEnabled()) {
      this.log(
        formatTable(
          ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'],
          changes.map((change) => [
            args.group,
            change.topic,
            change.partition,
            change.currentOffset ?? '-',
            change.newOffset,
          ]),
        ),
      );
      if (!flags.execute) this.logToStderr('klog: dry run: nothing was changed; add --execute to set these offsets.');
    }
    return result;
  }

  private async plan(
    admin: Admin,
    group: string,
    topics: readonly TopicPartitions[],
    strategy: ResetStrategy,
    execute: boolean,
  ): Promise<PlannedOffset[]> {
    const planned: PlannedOffset[] = [];
    for (const { topic, partitions } of topics) {
      const request = { groupId: group, topic, force: this.flags.force, dryRun: !execute };
      let changes: OffsetChange[];
      try {
        changes =
          strategy.kind === 'current'
            ? await admin.setOffsets({ ...request, partitions: await currentOffsets(admin, group, topic, partitions) })
            : await admin.resetOffsets({ ...request, partitions, to: strategy.target });
      } catch (error) {
        throw isKlogError(error, 'GROUP_NOT_EMPTY') ? groupNotEmpty(group, error) : error;
      }
      for (const change of changes) {
        planned.push({ topic, partition: change.partition, currentOffset: change.previous, newOffset: change.offset });
      }
    }
    return planned;
  }

  protected override missingTopicAdvice(): string {
    return `List the topics with: ${this.config.bin} topic list${this.storeFlags()}`;
  }
}

/** --to-current: each partition's committed offset, or the log end where nothing was committed (as Kafka's tool). */
async function currentOffsets(
  admin: Admin,
  group: string,
  topic: string,
  only: readonly number[] | undefined,
): Promise<{ partition: number; offset: string }[]> {
  const [[committed], ends] = await Promise.all([
    admin.fetchOffsets({ groupId: group, topics: [topic] }),
    admin.fetchTopicOffsets(topic),
  ]);
  const wanted = only ?? ends.map((end) => end.partition);
  return wanted.map((partition) => {
    const offset = committed?.partitions.find((entry) => entry.partition === partition)?.offset;
    const end = ends.find((entry) => entry.partition === partition)?.high;
    // A partition that does not exist keeps its number: setOffsets refuses it with PARTITION_NOT_FOUND.
    return { partition, offset: offset !== undefined && offset !== '-1' ? offset : (end ?? '0') };
  });
}

/** The SDK's refusal, in the CLI's words: --force rather than the SDK's `force: true`. */
function groupNotEmpty(group: string, error: KlogError): KlogError {
  const members = Array.isArray(error.context.members) ? ` (${error.context.members.join(', ')})` : '';
  return new KlogError(
    'GROUP_NOT_EMPTY',
    `Consumer group "${group}" has live members${members}: stop its consumers before you reset its offsets, or ` +
      'add --force (their next commits then fail, and they restart from the new offsets).',
    { context: error.context, cause: error },
  );
}
