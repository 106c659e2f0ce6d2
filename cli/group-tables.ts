/**
 * The tables of `klog group describe`, with kafka-consumer-groups' columns; a missing value is "-", as there.
 *
 * - offsets (the default): a row per partition with a committed offset or an owner, `GROUP TOPIC PARTITION
 *   CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID`, then a row per member that has no partition.
 *   CURRENT-OFFSET is the committed offset (the next to read); LAG is LOG-END-OFFSET minus it.
 * - members (`--members`): `GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS ASSIGNMENT`.
 * - state (`--state`): `GROUP ASSIGNMENT-STRATEGY STATE GENERATION LEADER #MEMBERS` (there is no coordinator).
 */
import type { GroupDescriptionWithOffsets } from '../sdk/admin/group-admin-types.js';
import type { GroupMemberDescription, TopicPartitionList } from '../sdk/group/group-description.js';
import { type Cell, formatTable } from './table.js';

const NONE = '-';

export function offsetsTable(group: GroupDescriptionWithOffsets): string {
  // The state names a partition's owner by member id; only members with a heartbeat now are shown as consumers.
  const members = new Map(group.members.map((member) => [member.memberId, member]));
  const rows: Cell[][] = group.partitions.map((partition) => {
    const member = partition.memberId === null ? undefined : members.get(partition.memberId);
    return [
      group.groupId,
      partition.topic,
      partition.partition,
      partition.committedOffset ?? NONE,
      partition.logEndOffset,
      partition.lag ?? NONE,
      ...memberCells(member),
    ];
  });
  const shown = new Set(group.partitions.map((partition) => partition.memberId));
  for (const member of group.members) {
    if (!shown.has(member.memberId)) rows.push([group.groupId, NONE, NONE, NONE, NONE, NONE, ...memberCells(member)]);
  }
  return formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
    rows,
  );
}

export function membersTable(group: GroupDescriptionWithOffsets): string {
  return formatTable(
    ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
    group.members.map((member) => [
      group.groupId,
      ...memberCells(member),
      member.assignment.reduce((sum, topic) => sum + topic.partitions.length, 0),
      assignmentText(member.assignment),
    ]),
  );
}

export function stateTable(group: GroupDescriptionWithOffsets): string {
  return formatTable(
    ['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', 'GENERATION', 'LEADER', '#MEMBERS'],
    [
      [
        group.groupId,
        group.protocol || NONE,
        group.state,
        group.generation,
        group.leader ?? NONE,
        group.members.length,
      ],
    ],
  );
}

function memberCells(member: GroupMemberDescription | undefined): Cell[] {
  if (member === undefined) return [NONE, NONE, NONE];
  return [member.memberId, member.clientHost || NONE, member.clientId || NONE];
}

/** Kafka's ASSIGNMENT column: `orders(0,1),payments(2)`, topics in name order. */
function assignmentText(assignment: readonly TopicPartitionList[]): string {
  const topics = assignment
    .filter((topic) => topic.partitions.length > 0)
    .map((topic) => `${topic.topic}(${[...topic.partitions].sort((a, b) => a - b).join(',')})`)
    .sort();
  return topics.length === 0 ? NONE : topics.join(',');
}
