import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  eventually,
  fastGroup,
  type GroupFixture,
  openGroupFixture,
  somethingFailed,
  storeKinds,
  tally,
  values,
} from '../../helpers/group-fixture.js';
import { watchCommittedOffsets } from '../../helpers/offset-watch.js';

/** Measured durations, printed at the end in session timeouts (never asserted). */
function inSessions(ms: number): string {
  return `${(ms / fastGroup.sessionTimeoutMs).toFixed(2)} session timeouts (${Math.round(ms)} ms)`;
}

describe.each(storeKinds)('consumer groups in one process on the %s store', (kind) => {
  let fixture: GroupFixture;
  beforeEach(async () => {
    fixture = await openGroupFixture(kind);
  });
  afterEach(async () => {
    await fixture.close();
  });

  async function stable(members: number, consumer = fixture.member('observer').consumer) {
    return eventually(async () => {
      const description = await consumer.describeGroup();
      return (
        description.state === 'Stable' &&
        description.members.length === members &&
        description.members.every((member) => member.owned.length > 0)
      );
    }, `a stable group of ${members}`);
  }

  it('shares 12 partitions among 4 members, then 5, then 4: every record handled once, offsets never back', async () => {
    const topic = await fixture.createTopic('orders', 12);
    const watch = watchCommittedOffsets(fixture.store, 'g');
    await fixture.produce(topic, 10);
    const members = ['a', 'b', 'c', 'd'].map((name) => fixture.member(name));
    for (const member of members) await member.start(['orders'], { autoCommitInterval: 100 });
    await eventually(() => fixture.handled.length >= 120, 'the first 120 records');
    const observer = members[0]!.consumer;
    await stable(4, observer);
    const owners = new Map<number, Set<string>>();
    for (const entry of fixture.handled) {
      owners.set(entry.partition, (owners.get(entry.partition) ?? new Set()).add(entry.member));
    }
    expect(
      [...owners.values()].every((set) => set.size === 1),
      'a partition was handled by two members',
    ).toBe(true);

    const joinStart = performance.now();
    const fifth = fixture.member('e');
    await fifth.start(['orders'], { autoCommitInterval: 100 });
    await fixture.produce(topic, 10);
    await stable(5, observer);
    const joinMs = performance.now() - joinStart;
    const description = await observer.describeGroup();
    expect(description.members.map((member) => member.owned.flatMap((t) => t.partitions).length).sort()).toEqual([
      2, 2, 2, 3, 3,
    ]);

    const leaveStart = performance.now();
    await members[0]!.consumer.disconnect();
    await fixture.produce(topic, 10);
    await stable(4, fifth.consumer);
    const leaveMs = performance.now() - leaveStart;
    await fixture.produce(topic, 5);
    await eventually(() => fixture.handled.length >= 12 * 35, 'every record');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await watch.stop();

    const { duplicates, missing } = tally(fixture.handled, values('orders', 12, 0, 35));
    expect(missing).toEqual([]);
    if (!somethingFailed(fixture.logs)) expect(duplicates).toEqual([]);
    expect(watch.backwards()).toEqual([]);
    console.info(
      `[${kind}] join of a fifth member: stable after ${inSessions(joinMs)}; leave of one: ${inSessions(leaveMs)}`,
    );
  });

  it('moves a frozen member’s partitions after its session expires; it rejoins as a new instance', async () => {
    const topic = await fixture.createTopic('frozen', 6);
    await fixture.produce(topic, 5);
    const a = fixture.member('a');
    const b = fixture.member('b');
    await a.start(['frozen'], { autoCommitInterval: 100 });
    await b.start(['frozen'], { autoCommitInterval: 100 });
    await eventually(() => fixture.handled.length >= 30, 'the first records');
    await stable(2, b.consumer);
    const instanceBefore = (await b.consumer.describeGroup()).members.find((m) => m.clientId === 'a')!.instanceId;

    a.freeze();
    const frozenAt = performance.now();
    await fixture.produce(topic, 5);
    await eventually(() => tally(fixture.handled, values('frozen', 6, 0, 10)).missing.length === 0, 'takeover');
    const takeoverMs = performance.now() - frozenAt;
    // a led the group (it joined first); b took the lead from it.
    expect((await b.consumer.describeGroup()).leader).toMatch(/^b-/);
    expect(fixture.handled.filter((entry) => entry.member === 'a' && Number(entry.value.split('-')[2]) >= 5)).toEqual(
      [],
    );

    a.thaw();
    await eventually(async () => {
      const members = (await b.consumer.describeGroup()).members;
      return members.some((member) => member.clientId === 'a' && member.instanceId !== instanceBefore);
    }, 'the thawed member to join again as a new instance');
    await stable(2, b.consumer);
    await fixture.produce(topic, 5);
    await eventually(() => tally(fixture.handled, values('frozen', 6, 0, 15)).missing.length === 0, 'every record');
    expect(fixture.logs.some((entry) => /Lost the consumer-group membership/.test(entry.log.message))).toBe(true);
    console.info(`[${kind}] takeover of a frozen member's partitions: ${inSessions(takeoverMs)}`);
  });
});
