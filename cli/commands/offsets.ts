import { Flags } from '@oclif/core';
import { KlogCommand } from '../base-command.js';
import { parseOffsetTime } from '../offset-time.js';
import { formatTable } from '../table.js';
import { topicArg } from '../topic-flags.js';

interface PartitionOffsets {
  partition: number;
  earliestOffset: string;
  latestOffset: string;
}

interface OffsetsAtTime {
  topic: string;
  /** The time asked for, in ms since the epoch, or `earliest`/`latest`. */
  time: number | 'earliest' | 'latest';
  partitions: { partition: number; offset: string }[];
}

export default class Offsets extends KlogCommand<typeof Offsets> {
  static override summary = "Show each partition's earliest and latest offsets, or the offset at a time.";
  static override description =
    'As kafka-get-offsets (and kcat -Q). Without --time: EARLIEST-OFFSET is the log start, LATEST-OFFSET the ' +
    'offset the next record will get. With --time: per partition, the offset of the first record with a ' +
    'timestamp at or after that time, or the latest offset when no record is that new.';
  static override examples = [
    '<%= config.bin %> offsets orders',
    '<%= config.bin %> offsets orders --time 2025-06-01T12:00:00Z',
    '<%= config.bin %> offsets orders --time 1748779200000 --json',
    '<%= config.bin %> offsets orders --time -2',
  ];
  static override args = { topic: topicArg };
  static override flags = {
    time: Flags.string({
      summary: 'A time: ms since the epoch, an ISO 8601 date, -1 (latest) or -2 (earliest).',
      helpValue: '<ms|ISO date>',
    }),
  };
  static override enableJsonFlag = true;

  async run(): Promise<{ topic: string; partitions: PartitionOffsets[] } | OffsetsAtTime> {
    const { args } = await this.parse(Offsets);
    const { topic } = args;
    const admin = this.klog.admin();
    if (this.flags.time === undefined) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = offsets.map((p) => ({ partition: p.partition, earliestOffset: p.low, latestOffset: p.high }));
      if (!this.jsonEnabled()) {
        this.log(
          formatTable(
            ['TOPIC', 'PARTITION', 'EARLIEST-OFFSET', 'LATEST-OFFSET'],
            partitions.map((p) => [topic, p.partition, p.earliestOffset, p.latestOffset]),
          ),
        );
      }
      return { topic, partitions };
    }
    const time = parseOffsetTime(this.flags.time);
    const partitions =
      time.kind === 'timestamp'
        ? await admin.fetchTopicOffsetsByTimestamp(topic, time.ms)
        : (await admin.fetchTopicOffsets(topic)).map((p) => ({
            partition: p.partition,
            offset: time.kind === 'earliest' ? p.low : p.high,
          }));
    if (!this.jsonEnabled()) {
      this.log(
        formatTable(
          ['TOPIC', 'PARTITION', 'OFFSET'],
          partitions.map((p) => [topic, p.partition, p.offset]),
        ),
      );
    }
    return { topic, time: time.kind === 'timestamp' ? time.ms : time.kind, partitions };
  }
}
