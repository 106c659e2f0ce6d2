import { Flags } from '@oclif/core';
import { isKlogError, KlogError } from '../../../sdk/errors.js';
import { KlogCommand } from '../../base-command.js';
import { groupArg } from '../../group-arg.js';

export default class GroupDelete extends KlogCommand<typeof GroupDelete> {
  static override summary = 'Delete a consumer group: its committed offsets, members and state.';
  static override description =
    'As kafka-consumer-groups --delete, without a prompt. Refused while the group has live members (exit code 3): ' +
    'stop its consumers first. Telling a live member from one that was killed takes up to one session timeout ' +
    '(30 s by default), so deleting a group whose consumers were killed may wait that long. A missing group is an ' +
    'error (exit code 4) unless --if-exists is given.';
  static override examples = [
    '<%= config.bin %> group delete billing',
    '<%= config.bin %> group delete billing --if-exists --url s3://my-bucket/klog --json',
  ];
  static override args = { group: groupArg };
  static override flags = {
    'if-exists': Flags.boolean({ summary: 'Succeed when the group does not exist.' }),
  };
  static override enableJsonFlag = true;

  async run(): Promise<{ group: string; deleted: boolean }> {
    const { args } = await this.parse(GroupDelete);
    let deleted = true;
    try {
      await this.klog.admin().deleteGroups([args.group]);
    } catch (error) {
      // GROUP_NOT_EMPTY keeps the SDK's message, which names the live members and says to stop them first.
      if (!isKlogError(error, 'GROUP_NOT_FOUND')) throw error;
      if (!this.flags['if-exists']) {
        throw new KlogError(
          'GROUP_NOT_FOUND',
          `Consumer group "${args.group}" does not exist; nothing to delete. Add --if-exists to succeed when it is ` +
            'missing.',
          { context: { group: args.group }, cause: error },
        );
      }
      deleted = false;
    }
    if (!this.jsonEnabled()) {
      this.log(deleted ? `Deleted consumer group ${args.group}.` : `Consumer group ${args.group} does not exist.`);
    }
    return { group: args.group, deleted };
  }
}
