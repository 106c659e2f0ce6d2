import { describe, expect, it } from 'vitest';
import { membersTable, offsetsTable, stateTable } from '../../../cli/group-tables.js';
import type { GroupDescriptionWithOffsets } from '../../../sdk/admin/group-admin-types.js';
import type { GroupMemberDescription } from '../../../sdk/group/group-description.js';

function member(memberId: string, assignment: GroupMemberDescription['assignment']): GroupMemberDescription {
  return {
    memberId,
    instanceId: `i-${memberId}`,
    clientId: 'billing-app',
    clientHost: 'host-a',
    topics: ['orders'],
    assignment,
    owned: assignment,
    isLeader: memberId === 'm1',
  };
}

const group: GroupDescriptionWithOffsets = {
  groupId: 'billing',
  state: 'Stable',
  protocolType: 'consumer',
  protocol: 'cooperative-sticky',
  generation: 4,
  leader: 'm1',
  members: [member('m1', [{ topic: 'orders', partitions: [1, 0] }]), member('m2', [])],
  errorCode: 0,
  partitions: [
    { topic: 'orders', partition: 0, committedOffset: '3', logEndOffset: '5', lag: '2', memberId: 'm1' },
    { topic: 'orders', partition: 1, committedOffset: null, logEndOffset: '7', lag: null, memberId: 'm1' },
    // Assigned by the state to a member whose heartbeat is gone: no consumer is shown.
    { topic: 'payments', partition: 0, committedOffset: '9', logEndOffset: '9', lag: '0', memberId: 'gone' },
  ],
};

function cells(table: string): string[][] {
  return table.split('\n').map((line) => line.split(/\s{2,}/));
}

describe('group tables', () => {
  it("offsets: kafka-consumer-groups' columns, a row per partition, then members without partitions; - when none", () => {
    expect(cells(offsetsTable(group))).toEqual([
      ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
      ['billing', 'orders', '0', '3', '5', '2', 'm1', 'host-a', 'billing-app'],
      ['billing', 'orders', '1', '-', '7', '-', 'm1', 'host-a', 'billing-app'],
      ['billing', 'payments', '0', '9', '9', '0', '-', '-', '-'],
      ['billing', '-', '-', '-', '-', '-', 'm2', 'host-a', 'billing-app'],
    ]);
  });

  it("members: a row per member with Kafka's ASSIGNMENT column", () => {
    expect(cells(membersTable(group))).toEqual([
      ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
      ['billing', 'm1', 'host-a', 'billing-app', '2', 'orders(0,1)'],
      ['billing', 'm2', 'host-a', 'billing-app', '0', '-'],
    ]);
  });

  it('state: one row with the strategy, state, generation, leader and member count', () => {
    expect(cells(stateTable(group))).toEqual([
      ['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', 'GENERATION', 'LEADER', '#MEMBERS'],
      ['billing', 'cooperative-sticky', 'Stable', '4', 'm1', '2'],
    ]);
    expect(cells(stateTable({ ...group, state: 'Dead', protocol: '', leader: null, members: [] }))[1]).toEqual([
      'billing',
      '-',
      'Dead',
      '4',
      '-',
      '0',
    ]);
  });
});
