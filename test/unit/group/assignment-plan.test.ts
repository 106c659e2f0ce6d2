import { describe, expect, it } from 'vitest';
import type { AssignedTopic } from '../../../sdk/group/assigned-partitions.js';
import { planAssignment, type TopicMetadata } from '../../../sdk/group/assignment-plan.js';
import type { GroupState } from '../../../sdk/group/group-state.js';
import type { MemberHeartbeat } from '../../../sdk/group/member-heartbeat.js';
import { PartitionAssigners } from '../../../sdk/group/partition-assigners.js';
import { rangeAssigner } from '../../../sdk/group/range-assigner.js';

const topics = new Map<string, TopicMetadata>([['t', { topicId: 'id-t', partitions: 4 }]]);

function parts(...partitions: number[]): AssignedTopic[] {
  return partitions.length === 0 ? [] : [{ topic: 't', topicId: 'id-t', partitions }];
}

function heartbeat(instanceId: string, fields: Partial<MemberHeartbeat> = {}): MemberHeartbeat {
  return {
    instanceId,
    memberId: `m-${instanceId}`,
    clientId: 'c',
    clientHost: 'h',
    topics: ['t'],
    assigners: ['cooperative-sticky', 'range'],
    counter: 1,
    stateId: 's',
    generation: 1,
    owned: [],
    sessionTimeoutMs: 1_000,
    heartbeatIntervalMs: 100,
    rebalanceTimeoutMs: 1_000,
    writtenAt: 0,
    ...fields,
  };
}

function groupState(fields: Partial<GroupState>): GroupState {
  return {
    stateId: 's',
    generation: 1,
    leader: 'a',
    protocol: null,
    members: [],
    target: {},
    assignment: {},
    writtenAt: 0,
    ...fields,
  };
}

const entry = (instanceId: string) => ({ instanceId, memberId: `m-${instanceId}`, clientId: 'c', topics: ['t'] });
const assigners = [PartitionAssigners.cooperativeSticky, rangeAssigner];

describe('planAssignment', () => {
  it('assigns everything to the first member once it completed the generation', () => {
    const plan = planAssignment({
      state: groupState({ members: [entry('a')] }),
      live: new Map([['a', heartbeat('a')]]),
      topics,
      assigners,
    });
    expect(plan.protocol).toBe('cooperative-sticky');
    expect(plan.target).toEqual({ a: parts(0, 1, 2, 3) });
    expect(plan.assignment).toEqual({ a: parts(0, 1, 2, 3) });
  });

  it('gives a joining member nothing until the owner released what moves to it', () => {
    const state = groupState({
      members: [entry('a')],
      target: { a: parts(0, 1, 2, 3) },
      assignment: { a: parts(0, 1, 2, 3) },
    });
    const live = new Map([
      ['a', heartbeat('a', { owned: parts(0, 1, 2, 3) })],
      ['b', heartbeat('b', { stateId: null, generation: 0 })],
    ]);
    const revoke = planAssignment({ state, live, topics, assigners });
    expect(revoke.target).toEqual({ a: parts(0, 1), b: parts(2, 3) });
    expect(revoke.assignment).toEqual({ a: parts(0, 1), b: [] });

    // The next state (generation 2) is written; until a completes it and shows the release, nothing moves.
    const next = groupState({ ...revoke, generation: 2 });
    const pending = planAssignment({ state: next, live, topics, assigners });
    expect(pending.assignment).toEqual({ a: parts(0, 1), b: [] });

    const released = new Map([
      ['a', heartbeat('a', { generation: 2, owned: parts(0, 1) })],
      ['b', heartbeat('b', { generation: 2 })],
    ]);
    const done = planAssignment({ state: next, live: released, topics, assigners });
    expect(done.assignment).toEqual({ a: parts(0, 1), b: parts(2, 3) });
  });

  it('waits while a member of the current state has not completed its generation, even if it owns nothing', () => {
    const state = groupState({
      generation: 3,
      members: [entry('a'), entry('b')],
      target: { a: parts(0, 1), b: parts(2, 3) },
      assignment: { a: parts(0, 1), b: [] },
    });
    const live = new Map([
      ['a', heartbeat('a', { generation: 3, owned: parts(0, 1) })],
      ['b', heartbeat('b', { generation: 2 })],
    ]);
    expect(planAssignment({ state, live, topics, assigners }).assignment.b).toEqual([]);
  });

  it('hands a departed member’s partitions over at once', () => {
    const state = groupState({
      generation: 4,
      members: [entry('a'), entry('b')],
      target: { a: parts(0, 1), b: parts(2, 3) },
      assignment: { a: parts(0, 1), b: parts(2, 3) },
    });
    const live = new Map([['a', heartbeat('a', { generation: 4, owned: parts(0, 1) })]]);
    const plan = planAssignment({ state, live, topics, assigners });
    expect(plan.members.map((member) => member.instanceId)).toEqual(['a']);
    expect(plan.assignment).toEqual({ a: parts(0, 1, 2, 3) });
  });

  it('never gives a partition that another live member still lists as owned', () => {
    const state = groupState({ generation: 2, members: [entry('a'), entry('b')], target: {}, assignment: {} });
    const live = new Map([
      ['a', heartbeat('a', { generation: 2, owned: parts(3) })],
      ['b', heartbeat('b', { generation: 2 })],
    ]);
    const plan = planAssignment({ state, live, topics, assigners: [rangeAssigner] });
    expect(plan.target.b).toEqual(parts(2, 3));
    expect(plan.assignment.b).toEqual(parts(2));
  });

  it('uses the first of the leader’s strategies that every member offers, or none', () => {
    const state = groupState({ members: [entry('a'), entry('b')] });
    const live = new Map([
      ['a', heartbeat('a')],
      ['b', heartbeat('b', { assigners: ['range'] })],
    ]);
    expect(planAssignment({ state, live, topics, assigners }).protocol).toBe('range');
    const strangers = new Map([...live, ['b', heartbeat('b', { assigners: ['custom'] })]]);
    const plan = planAssignment({ state, live: strangers, topics, assigners });
    expect(plan.protocol).toBeNull();
    expect(plan.assignment).toEqual({});
  });

  it('moves partitions of a topic created again (new topic id) as new partitions', () => {
    const state = groupState({
      generation: 2,
      members: [entry('a')],
      target: { a: [{ topic: 't', topicId: 'old', partitions: [0, 1, 2, 3] }] },
      assignment: { a: [{ topic: 't', topicId: 'old', partitions: [0, 1, 2, 3] }] },
    });
    const live = new Map([['a', heartbeat('a', { generation: 2 })]]);
    const plan = planAssignment({ state, live, topics, assigners });
    expect(plan.target).toEqual({ a: parts(0, 1, 2, 3) });
    expect(plan.assignment).toEqual({ a: parts(0, 1, 2, 3) });
  });
});
