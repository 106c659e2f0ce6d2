import { Flags } from '@oclif/core';
import { KlogError } from '../../../sdk/errors.js';
import { KlogCommand } from '../../base-command.js';
import { configFlag, parseConfigFlags, partitionsFlag, topicArg } from '../../topic-flags.js';

export default class TopicCreate extends KlogCommand<typeof TopicCreate> {
  static override summary = 'Create a topic.';
  static override description =
    'As kafka-topics --create. There is no replication factor: the object store keeps the copies. An existing ' +
    'topic is an error (exit code 3) unless --if-not-exists is given.';
  static override examples = [
    '<%= config.bin %> topic create orders',
    '<%= config.bin %> topic create orders --partitions 6 --config retention.ms=86400000',
    '<%= config.bin %> topic create orders --if-not-exists --url s3://my-bucket/klog',
  ];
  static override args = { topic: topicArg };
  static override flags = {
    partitions: partitionsFlag('Number of partitions (default 1).'),
    config: configFlag,
    'if-not-exists': Flags.boolean({ summary: 'Succeed without changes when the topic already exists.' }),
  };
  static override enableJsonFlag = true;

  async run(): Promise<{ topic: string; created: boolean }> {
    const { args } = await this.parse(TopicCreate);
    const configEntries = parseConfigFlags(this.flags.config);
    const created = await this.klog.admin().createTopics({
      topics: [{ topic: args.topic, numPartitions: this.flags.partitions, configEntries }],
    });
    if (!created && !this.flags['if-not-exists']) {
      throw new KlogError(
        'TOPIC_ALREADY_EXISTS',
        `Topic "${args.topic}" already exists. Change it with: ${this.config.bin} topic alter ${args.topic}` +
          `${this.storeFlags()}, or add --if-not-exists to accept it as it is.`,
        { context: { topic: args.topic } },
      );
    }
    if (!this.jsonEnabled()) {
      this.log(created ? `Created topic ${args.topic}.` : `Topic ${args.topic} already exists; left unchanged.`);
    }
    return { topic: args.topic, created };
  }
}
