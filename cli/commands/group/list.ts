import { KlogCommand } from '../../base-command.js';

export default class GroupList extends KlogCommand<typeof GroupList> {
  static override summary = 'List the consumer groups.';
  static override description =
    'As kafka-consumer-groups --list: every group with any stored object (members, state or committed offsets), ' +
    'one per line, in name order. A group exists from the first time a consumer joins it or its offsets are set, ' +
    'until klog group delete removes it.';
  static override examples = [
    '<%= config.bin %> group list',
    '<%= config.bin %> group list --url s3://my-bucket/klog --json',
  ];
  static override enableJsonFlag = true;

  async run(): Promise<{ groups: string[] }> {
    const { groups } = await this.klog.admin().listGroups();
    const names = groups.map((group) => group.groupId);
    if (!this.jsonEnabled()) for (const name of names) this.log(name);
    return { groups: names };
  }
}
