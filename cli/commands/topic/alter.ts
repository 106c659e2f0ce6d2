import { ConfigResourceTypes } from '../../../sdk/admin/admin-types.js';
import { parseConfigEntries } from '../../../sdk/admin/topic-configs.js';
import { KlogError } from '../../../sdk/errors.js';
import { KlogCommand } from '../../base-command.js';
import { configFlag, parseConfigFlags, partitionsFlag, topicArg } from '../../topic-flags.js';

export default class TopicAlter extends KlogCommand<typeof TopicAlter> {
  static override summary = 'Add partitions to a topic or change its config.';
  static override description =
    'As kafka-topics --alter --partitions and kafka-configs --alter --add-config. --partitions is the new total, ' +
    'above the current count: partitions can be added, never removed, and keyed records map to other partitions ' +
    'afterwards. Configs not named keep their values.';
  static override examples = [
    '<%= config.bin %> topic alter orders --partitions 6',
    '<%= config.bin %> topic alter orders --config retention.ms=3600000 --config retention.bytes=1073741824',
  ];
  static override args = { topic: topicArg };
  static override flags = {
    partitions: partitionsFlag('The new total number of partitions (above the current count).'),
    config: configFlag,
  };
  static override enableJsonFlag = true;

  async run(): Promise<{ topic: string; partitions?: number; config?: Record<string, string> }> {
    const { args } = await this.parse(TopicAlter);
    const { partitions } = this.flags;
    const configEntries = parseConfigFlags(this.flags.config);
    if (partitions === undefined && configEntries.length === 0) {
      throw new KlogError('INVALID_ARGUMENT', 'Nothing to change: give --partitions N and/or --config name=value.', {
        context: { topic: args.topic },
      });
    }
    // Check the configs before anything is written: a typo in a name must not leave the partitions added and
    // the configs unchanged. The partition count is checked against the topic by the call that adds them.
    parseConfigEntries(args.topic, configEntries);
    const admin = this.klog.admin();
    if (partitions !== undefined) {
      await admin.createPartitions({ topicPartitions: [{ topic: args.topic, count: partitions }] });
    }
    if (configEntries.length > 0) {
      await admin.alterConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: args.topic, configEntries }],
      });
    }
    const config = Object.fromEntries(configEntries.map((entry) => [entry.name, entry.value]));
    if (!this.jsonEnabled()) {
      const changes = [
        ...(partitions === undefined ? [] : [`partitions=${partitions}`]),
        ...configEntries.map((entry) => `${entry.name}=${entry.value}`),
      ];
      this.log(`Altered topic ${args.topic}: ${changes.join(', ')}.`);
    }
    return {
      topic: args.topic,
      ...(partitions === undefined ? {} : { partitions }),
      ...(configEntries.length === 0 ? {} : { config }),
    };
  }
}
