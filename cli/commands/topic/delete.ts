import { Flags } from '@oclif/core';
import { isKlogError } from '../../../sdk/errors.js';
import { KlogCommand } from '../../base-command.js';
import { topicArg } from '../../topic-flags.js';

export default class TopicDelete extends KlogCommand<typeof TopicDelete> {
  static override summary = 'Delete a topic and its records.';
  static override description =
    'As kafka-topics --delete, without a prompt. The partitions are sealed first, so no writer can add to them ' +
    'afterwards; a topic created again under the same name starts empty. A missing topic is an error (exit ' +
    'code 4) unless --if-exists is given.';
  static override examples = [
    '<%= config.bin %> topic delete orders',
    '<%= config.bin %> topic delete orders --if-exists --url s3://my-bucket/klog',
  ];
  static override args = { topic: topicArg };
  static override flags = {
    'if-exists': Flags.boolean({ summary: 'Succeed when the topic does not exist.' }),
  };
  static override enableJsonFlag = true;

  async run(): Promise<{ topic: string; deleted: boolean }> {
    const { args } = await this.parse(TopicDelete);
    let deleted = true;
    try {
      await this.klog.admin().deleteTopics({ topics: [args.topic] });
    } catch (error) {
      if (!this.flags['if-exists'] || !isKlogError(error, 'TOPIC_NOT_FOUND')) throw error;
      deleted = false;
    }
    if (!this.jsonEnabled()) {
      this.log(deleted ? `Deleted topic ${args.topic}.` : `Topic ${args.topic} does not exist; nothing to delete.`);
    }
    return { topic: args.topic, deleted };
  }

  protected override missingTopicAdvice(): string {
    return 'Nothing to delete; add --if-exists to succeed when it is missing.';
  }
}
