/**
 * Consumer-group scenarios with members in separate OS processes (group-member-child.ts), shared by the
 * filesystem (unit) and MinIO (integration) tests: 4 then 5 then 4 members over 12 partitions, a member killed
 * with SIGKILL in the middle of a batch, and a member stopped with SIGSTOP while its partitions move to a new
 * process with the same member id. Durations are measured and returned in session timeouts, never asserted.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { DirectBackend } from '../../sdk/backend/direct-backend.js';
import { decodeStoredOffset } from '../../sdk/group/committed-offset-object.js';
import { type GroupDescription, readGroupDescription } from '../../sdk/group/group-description.js';
import { randomProducerId } from '../../sdk/log/producer-state.js';
import { partitionRefs, type TopicDescription } from '../../sdk/log/topics.js';
import { committedOffsetKey } from '../../sdk/store/keys.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';
import { type ChildWorker, startChild } from './child-workers.js';
import { eventually, recordsOf, tally, values } from './group-fixture.js';
import type { GroupChildConfig, GroupChildMessage } from './group-member-child.js';
import { watchCommittedOffsets } from './offset-watch.js';

export interface GroupTarget {
  /** The store the test process uses. */
  store: ObjectStore;
  /** The URL child processes open to reach the same data. */
  url: string;
  /** Extra environment for child processes (S3 endpoint and credentials). */
  env?: NodeJS.ProcessEnv;
}

/** Generous for a loaded machine: a heartbeat delayed by a busy event loop must not expire a member. */
export const processGroup = { sessionTimeoutMs: 3_000, heartbeatIntervalMs: 500 };

type Member = ChildWorker<GroupChildMessage>;

const CHILD = 'test/helpers/group-member-child.ts';

class Cluster {
  readonly backend: DirectBackend;
  readonly members: Member[] = [];
  private readonly target: GroupTarget;
  private readonly next = new Map<string, number>();
  private readonly producerId = randomProducerId();

  constructor(
    target: GroupTarget,
    readonly group: string,
  ) {
    this.target = target;
    this.backend = new DirectBackend(target.store);
  }

  async start(name: string, topic: string, extra: Partial<GroupChildConfig> = {}): Promise<Member> {
    const config: GroupChildConfig = {
      url: this.target.url,
      name,
      group: this.group,
      topic,
      autoCommitInterval: 200,
      handleDelayMs: 0,
      ...processGroup,
      ...extra,
    };
    const member = await startChild<GroupChildMessage>(CHILD, [JSON.stringify(config)], this.target.env);
    this.members.push(member);
    await member.waitFor((message) => message.type === 'running');
    return member;
  }

  async produce(topic: TopicDescription, count: number): Promise<void> {
    await Promise.all(
      partitionRefs(topic).map(async (ref) => {
        const id = `${ref.topicId}/${ref.partition}`;
        if (!this.next.has(id)) this.backend.registerProducer(ref, this.producerId);
        const from = this.next.get(id) ?? 0;
        this.next.set(id, from + count);
        const batch = Array.from({ length: count }, (_, n) => `${ref.topic}-${ref.partition}-${from + n}`);
        await this.backend.append(ref, {
          records: recordsOf(batch, Date.now()),
          producerId: this.producerId,
          baseSequence: from,
        });
      }),
    );
  }

  handled(): Extract<GroupChildMessage, { type: 'handled' }>[] {
    return this.members.flatMap((member) =>
      member.messages.flatMap((message) => (message.type === 'handled' ? [message] : [])),
    );
  }

  logs(): Extract<GroupChildMessage, { type: 'log' }>[] {
    return this.members.flatMap((member) =>
      member.messages.flatMap((message) => (message.type === 'log' ? [message] : [])),
    );
  }

  /** Some member lost its membership or was removed: records after its last commit may be handled twice. */
  somethingFailed(): boolean {
    return this.logs().some((log) => /Lost the consumer-group membership|Removed a member/.test(log.message));
  }

  describe(): Promise<GroupDescription> {
    return readGroupDescription(this.backend.groups, this.group);
  }

  /** Waits until the group is stable with these member names, each owning a partition; returns the time taken. */
  stable(names: string[]): Promise<number> {
    return eventually(
      async () => {
        const description = await this.describe();
        const clients = description.members.map((member) => member.clientId).sort();
        return (
          description.state === 'Stable' &&
          JSON.stringify(clients) === JSON.stringify([...names].sort()) &&
          description.members.every((member) => member.owned.length > 0)
        );
      },
      `a stable group of ${names.join(', ')}`,
    );
  }

  async stop(member: Member): Promise<void> {
    if (member.process.exitCode !== null || member.process.signalCode !== null) return;
    member.send({ type: 'stop' });
    await member.exited;
  }

  async close(): Promise<void> {
    for (const member of this.members) {
      if (member.process.signalCode === 'SIGSTOP') member.process.kill('SIGCONT');
    }
    await Promise.all(this.members.map((member) => this.stop(member).catch(() => undefined)));
  }
}

function sessions(ms: number): number {
  return Number((ms / processGroup.sessionTimeoutMs).toFixed(2));
}

/**
 * Four member processes share 12 partitions, each record handled by exactly one of them; a fifth joins and then
 * one leaves (disconnect). Returns the time each rebalance took, in session timeouts.
 */
export async function sharedPartitionsScenario(target: GroupTarget): Promise<{ join: number; leave: number }> {
  const cluster = new Cluster(target, 'shared-group');
  try {
    const topic = await cluster.backend.createTopic('shared', { partitions: 12 });
    await cluster.produce(topic, 20);
    const four = ['m1', 'm2', 'm3', 'm4'];
    const members = await Promise.all(four.map((name) => cluster.start(name, 'shared')));
    await eventually(() => cluster.handled().length >= 240, 'the first 240 records');
    await cluster.stable(four);
    const owners = new Map<number, Set<string>>();
    for (const entry of cluster.handled()) {
      owners.set(entry.partition, (owners.get(entry.partition) ?? new Set()).add(entry.name));
    }
    if (!cluster.somethingFailed()) {
      expect(
        [...owners.values()].every((set) => set.size === 1),
        'a partition was handled by two members',
      ).toBe(true);
    }

    const joinStart = performance.now();
    await cluster.start('m5', 'shared');
    await cluster.produce(topic, 10);
    await cluster.stable([...four, 'm5']);
    const joinMs = performance.now() - joinStart;

    const leaveStart = performance.now();
    await cluster.stop(members[0]!);
    await cluster.produce(topic, 10);
    await cluster.stable(['m2', 'm3', 'm4', 'm5']);
    const leaveMs = performance.now() - leaveStart;

    await cluster.produce(topic, 5);
    const produced = values('shared', 12, 0, 45);
    await eventually(() => tally(cluster.handled(), produced).missing.length === 0, 'every record');
    const { duplicates, missing } = tally(cluster.handled(), produced);
    expect(missing).toEqual([]);
    if (!cluster.somethingFailed()) expect(duplicates).toEqual([]);
    return { join: sessions(joinMs), leave: sessions(leaveMs) };
  } finally {
    await cluster.close();
  }
}

/**
 * Three members; one is killed with SIGKILL in the middle of a batch. Its partitions are taken over after its
 * session expires; no record is missed, and only records it handled can be handled twice (those after its last
 * commit). Committed offsets never move backwards. Returns the time from the kill to the takeover.
 */
export async function killedMemberScenario(target: GroupTarget): Promise<{ takeover: number }> {
  const cluster = new Cluster(target, 'killed-group');
  const watch = watchCommittedOffsets(target.store, 'killed-group', 50);
  try {
    const topic = await cluster.backend.createTopic('killed', { partitions: 6 });
    await cluster.produce(topic, 40);
    const [victim] = await Promise.all(
      ['k1', 'k2', 'k3'].map((name) => cluster.start(name, 'killed', { handleDelayMs: 10 })),
    );
    await cluster.stable(['k1', 'k2', 'k3']);
    await eventually(() => cluster.handled().filter((entry) => entry.name === 'k1').length >= 10, 'k1 to be busy');
    const victimPartitions = new Set(
      (await cluster.describe()).members.find((member) => member.clientId === 'k1')!.owned.flatMap((t) => t.partitions),
    );
    victim!.process.kill('SIGKILL');
    const killedAt = performance.now();
    await victim!.exited;
    const handledByVictim = new Set(
      cluster
        .handled()
        .filter((e) => e.name === 'k1')
        .map((e) => e.value),
    );
    const handledBefore = new Set(cluster.handled().map((entry) => entry.value));
    await cluster.produce(topic, 5);
    await eventually(
      () =>
        cluster
          .handled()
          .some(
            (entry) => entry.name !== 'k1' && victimPartitions.has(entry.partition) && !handledBefore.has(entry.value),
          ),
      "a survivor to take over the killed member's partitions",
    );
    const takeoverMs = performance.now() - killedAt;
    const produced = values('killed', 6, 0, 45);
    await eventually(() => tally(cluster.handled(), produced).missing.length === 0, 'every record');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { duplicates, missing } = tally(cluster.handled(), produced);
    expect(missing).toEqual([]);
    expect(duplicates.filter((value) => !handledByVictim.has(value))).toEqual([]);
    expect(victimPartitions.size).toBeGreaterThan(0);
    return { takeover: sessions(takeoverMs) };
  } finally {
    await watch.stop();
    expect(watch.backwards()).toEqual([]);
    await cluster.close();
  }
}

/** Reads a process's state letter from /proc (T: stopped). */
async function processState(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/**
 * Member `a` (member id "fixed") is stopped with SIGSTOP after it handled records it has not committed; a new
 * process with the same member id joins; the group expires the stopped instance and moves its partitions. Resumed
 * with SIGCONT and asked to commit, the old instance fails with REBALANCE_IN_PROGRESS and no committed offset moves
 * because of it (none is owned by it, none moves backwards). Returns the time until its partitions moved.
 */
export async function stoppedMemberScenario(target: GroupTarget): Promise<{ moved: number }> {
  const cluster = new Cluster(target, 'stopped-group');
  const watch = watchCommittedOffsets(target.store, 'stopped-group', 50);
  try {
    const topic = await cluster.backend.createTopic('stopped', { partitions: 4 });
    await cluster.produce(topic, 10);
    const a = await cluster.start('a', 'stopped', { groupInstanceId: 'fixed', autoCommitInterval: 60_000 });
    await cluster.start('b', 'stopped');
    await cluster.stable(['a', 'b']);
    const before = (await cluster.describe()).members.find((member) => member.clientId === 'a')!;
    const aPartitions = before.owned.flatMap((t) => t.partitions);
    await cluster.produce(topic, 10);
    await eventually(
      () => cluster.handled().some((entry) => entry.name === 'a' && Number(entry.value.split('-')[2]) >= 10),
      'a to handle new records',
    );
    a.process.kill('SIGSTOP');
    await eventually(async () => (await processState(a.process.pid!)) === 'T', 'a to be stopped');
    const stoppedAt = performance.now();

    await cluster.start('a2', 'stopped', { groupInstanceId: 'fixed' });
    await cluster.stable(['a2', 'b']);
    const movedMs = performance.now() - stoppedAt;
    const produced = values('stopped', 4, 0, 20);
    await eventually(() => tally(cluster.handled(), produced).missing.length === 0, 'every record');
    const description = await cluster.describe();
    expect(description.members.map((member) => member.memberId)).toContain('fixed');
    expect(description.members.map((member) => member.instanceId)).not.toContain(before.instanceId);

    a.process.kill('SIGCONT');
    a.send({ type: 'commit' });
    const commit = await a.waitFor((message) => message.type === 'commit');
    expect(commit).toMatchObject({ ok: false, code: 'REBALANCE_IN_PROGRESS' });
    if (commit.type === 'commit') expect(commit.tried.length).toBeGreaterThan(0);
    await eventually(
      () => cluster.logs().some((log) => log.name === 'a' && /Lost the consumer-group membership/.test(log.message)),
      'the resumed instance to notice that it lost its membership',
    );
    for (const partition of aPartitions) {
      const key = committedOffsetKey('stopped-group', topic.topicId, partition);
      const object = await target.store.get(key);
      const owner = object === null ? null : decodeStoredOffset(object.body, key).owner;
      expect(owner?.instanceId).not.toBe(before.instanceId);
    }
    return { moved: sessions(movedMs) };
  } finally {
    await watch.stop();
    expect(watch.backwards()).toEqual([]);
    await cluster.close();
  }
}
