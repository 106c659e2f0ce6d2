import { Flags } from '@oclif/core';
import type { GroupDescriptionWithOffsets } from '../../../sdk/admin/group-admin-types.js';
import { KlogError } from '../../../sdk/errors.js';
import { KlogCommand } from '../../base-command.js';
import { groupArg } from '../../group-arg.js';
import { membersTable, offsetsTable, stateTable } from '../../group-tables.js';

export default class GroupDescribe extends KlogCommand<typeof GroupDescribe> {
  static override summary =
    "Show a consumer group's committed offsets and lag per partition, its members or its state.";
  static override description =
    `As kafka-consumer-groups --describe. By default, a row per partition that has a committed offset or an owner: CURRENT-OFFSET is the committed offset (the next offset the group will read), LOG-END-OFFSET the offset the next record will get, LAG the records in between; CONSUMER-ID, HOST and CLIENT-ID name the member that owns the partition now ("-" when none). --members prints a row per member with its assignment, --state the group's state, assignment strategy, generation and leader. --json prints all of it.

A member that stopped without leaving (killed) is listed until the group expires it, one session timeout (30 s by default) after its last heartbeat.`;
  static override examples = [
    '<%= config.bin %> group describe billing',
    '<%= config.bin %> group describe billing --members',
    '<%= config.bin %> group describe billing --state',
    '<%= config.bin %> group describe billing --url s3://my-bucket/klog --json',
  ];
  static override args = { group: groupArg };
  static override flags = {
    members: Flags.boolean({ summary: 'A row per member: its client, host and assigned partitions.' }),
    state: Flags.boolean({ summary: "The group's state, assignment strategy, generation, leader and member count." }),
  };
  static override enableJsonFlag = true;

  async run(): Promise<GroupDescriptionWithOffsets> {
    const { args } = await this.parse(GroupDescribe);
    if (this.flags.members && this.flags.state)
      this.error('--members and --state cannot be used together.', { exit: 2 });
    const {
      groups: [group],
    } = await this.klog.admin().describeGroups([args.group]);
    // The SDK describes a group without any object as "Dead", as Kafka does; the CLI says it does not exist.
    if (group === undefined || (group.state === 'Dead' && group.partitions.length === 0)) {
      throw new KlogError(
        'GROUP_NOT_FOUND',
        `Consumer group "${args.group}" does not exist: it has no members and no committed offsets. List the ` +
          `groups with: ${this.config.bin} group list${this.storeFlags()}`,
        { context: { group: args.group } },
      );
    }
    if (this.jsonEnabled()) return group;
    if (group.members.length === 0 && !this.flags.state) {
      this.logToStderr(`klog: consumer group "${group.groupId}" has no active members.`);
    } else if (group.state === 'PreparingRebalance' || group.state === 'CompletingRebalance') {
      this.logToStderr(`klog: consumer group "${group.groupId}" is rebalancing; partitions may be about to move.`);
    }
    this.log(this.flags.members ? membersTable(group) : this.flags.state ? stateTable(group) : offsetsTable(group));
    return group;
  }
}
