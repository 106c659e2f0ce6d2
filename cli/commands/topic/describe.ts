import type { TopicDetails } from '../../../sdk/admin/admin-types.js';
import { KlogCommand } from '../../base-command.js';
import { formatTable } from '../../table.js';
import { topicArg } from '../../topic-flags.js';

export default class TopicDescribe extends KlogCommand<typeof TopicDescribe> {
  static override summary = "Show a topic's id, config, and each partition's offsets, segments and bytes.";
  static override description =
    'As kafka-topics --describe: a header line with the topic id, partition count and config, then one row per ' +
    'partition. EARLIEST-OFFSET is the log start (retention moves it), LATEST-OFFSET the offset the next record ' +
    'will get; SEGMENTS and BYTES are the stored objects from the log start on.';
  static override examples = [
    '<%= config.bin %> topic describe orders',
    '<%= config.bin %> topic describe orders --url s3://my-bucket/klog --json',
  ];
  static override args = { topic: topicArg };
  static override enableJsonFlag = true;

  async run(): Promise<TopicDetails> {
    const { args } = await this.parse(TopicDescribe);
    const details = await this.klog.admin().describeTopic(args.topic);
    if (!this.jsonEnabled()) {
      const configs = Object.entries(details.config)
        .map(([name, value]) => `${name}=${value}`)
        .join(',');
      this.log(
        `Topic: ${details.topic}\tTopicId: ${details.topicId}\tPartitionCount: ${details.partitions.length}\t` +
          `Created: ${new Date(Number(details.createdAt)).toISOString()}\tConfigs: ${configs}`,
      );
      this.log(
        formatTable(
          ['TOPIC', 'PARTITION', 'EARLIEST-OFFSET', 'LATEST-OFFSET', 'SEGMENTS', 'BYTES'],
          details.partitions.map((p) => [
            details.topic,
            p.partition,
            p.earliestOffset,
            p.latestOffset,
            p.segments,
            p.bytes,
          ]),
        ),
      );
    }
    return details;
  }
}
