import { KlogCommand } from '../../base-command.js';

export default class TopicList extends KlogCommand<typeof TopicList> {
  static override summary = 'List the topics.';
  static override examples = [
    '<%= config.bin %> topic list',
    '<%= config.bin %> topic list --url s3://my-bucket/klog --json',
  ];
  static override enableJsonFlag = true;

  async run(): Promise<{ topics: string[] }> {
    const topics = await this.klog.admin().listTopics();
    if (!this.jsonEnabled()) for (const topic of topics) this.log(topic);
    return { topics };
  }
}
