import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeStoredOffset } from '../../../sdk/group/committed-offset-object.js';
import { committedOffsetKey } from '../../../sdk/store/keys.js';
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

describe.each(storeKinds)('consumer-group cases on the %s store', (kind) => {
  let fixture: GroupFixture;
  beforeEach(async () => {
    fixture = await openGroupFixture(kind);
  });
  afterEach(async () => {
    await fixture.close();
  });

  async function committed(group: string, topicId: string, partition: number): Promise<string | null> {
    const key = committedOffsetKey(group, topicId, partition);
    const object = await fixture.store.get(key);
    return object === null ? null : decodeStoredOffset(object.body, key).offset;
  }

  it('lets two groups on one topic each read every record', async () => {
    const topic = await fixture.createTopic('shared', 4);
    await fixture.produce(topic, 10);
    const first = [fixture.member('a1', { groupId: 'one' }), fixture.member('a2', { groupId: 'one' })];
    const second = [fixture.member('b1', { groupId: 'two' })];
    for (const member of [...first, ...second]) await member.start(['shared']);
    await fixture.produce(topic, 10);
    await eventually(() => fixture.handled.length >= 160, 'both groups to read everything');
    const byGroup = (prefix: string) => fixture.handled.filter((entry) => entry.member.startsWith(prefix));
    const all = values('shared', 4, 0, 20);
    expect(tally(byGroup('a'), all).missing).toEqual([]);
    expect(tally(byGroup('b'), all).missing).toEqual([]);
    if (!somethingFailed(fixture.logs)) expect(tally(byGroup('a'), all).duplicates).toEqual([]);
    expect(tally(byGroup('b'), all).duplicates).toEqual([]);
  });

  it('starts a group reused after its topic was deleted and created again from the reset policy', async () => {
    const old = await fixture.createTopic('reborn', 1);
    await fixture.produce(old, 3);
    const before = fixture.member('before');
    await before.start(['reborn'], { autoCommitInterval: 50 });
    await eventually(async () => (await committed('g', old.topicId, 0)) === '3', 'the old topic’s offset 3');
    await before.consumer.disconnect();

    await fixture.backend.deleteTopic('reborn');
    const reborn = await fixture.createTopic('reborn', 1);
    await fixture.produce(reborn, 10);
    fixture.handled.length = 0;
    const after = fixture.member('after');
    await after.start(['reborn']);
    await eventually(() => fixture.handled.length >= 10, 'the new topic’s records');
    // Offsets are keyed by topic id: the old offset 3 must not skip the new topic's first records.
    expect(fixture.handled.map((entry) => entry.offset)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(await committed('g', old.topicId, 0)).toBe('3');
  });

  it('assigns the partitions a subscribed topic gains', async () => {
    const topic = await fixture.createTopic('growing', 2);
    await fixture.produce(topic, 3);
    const member = fixture.member('a', { metadataMaxAgeMs: 200 });
    await member.start(['growing']);
    await eventually(() => fixture.handled.length >= 6, 'the first partitions');
    const grown = await fixture.backend.createPartitions('growing', 4);
    await fixture.produce(grown, 3);
    await eventually(() => fixture.handled.length >= 6 + 12, 'records of the new partitions');
    expect(new Set(fixture.handled.map((entry) => entry.partition))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('stops handing records to handlers on its own when its heartbeats are not confirmed', async () => {
    const topic = await fixture.createTopic('fenced', 2);
    await fixture.produce(topic, 2);
    const a = fixture.member('a');
    const b = fixture.member('b');
    await a.start(['fenced']);
    await b.start(['fenced']);
    await eventually(async () => {
      const description = await b.consumer.describeGroup();
      return description.state === 'Stable' && description.members.every((member) => member.owned.length === 1);
    }, 'one partition each');
    // Only a's heartbeat writes hang; it still reads the log and the state, so only self-fencing stops it.
    a.freeze((key) => key.includes('/members/'));
    await new Promise((resolve) => setTimeout(resolve, fastGroup.sessionTimeoutMs));
    await fixture.produce(topic, 3);
    await eventually(() => fixture.handled.length >= 10, 'b to handle the new records of both partitions');
    const late = fixture.handled.filter((entry) => Number(entry.value.split('-')[2]) >= 2);
    expect(late.map((entry) => entry.member)).toEqual(late.map(() => 'b'));
    a.thaw();
    await eventually(
      () =>
        fixture.logs.some(
          (entry) => entry.namespace.startsWith('a:') && /Lost the consumer-group/.test(entry.log.message),
        ),
      'a to learn that it was removed',
    );
  });

  it('keeps heartbeating while an async handler awaits for several session timeouts', async () => {
    const topic = await fixture.createTopic('slow', 2);
    const a = fixture.member('a');
    const b = fixture.member('b');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let waiting = false;
    await a.start(['slow'], {}, async (entry) => {
      if (entry.value === 'slow-0-0' || entry.value === 'slow-1-0') {
        waiting = true;
        await held;
      }
    });
    await b.start(['slow']);
    await eventually(async () => (await a.consumer.describeGroup()).state === 'Stable', 'a stable group');
    const generation = (await a.consumer.describeGroup()).generation;
    await fixture.produce(topic, 2);
    await eventually(() => waiting || fixture.handled.length >= 4, 'a handler to wait (or b to own both)');
    await new Promise((resolve) => setTimeout(resolve, 3 * fastGroup.sessionTimeoutMs));
    const during = await a.consumer.describeGroup();
    release();
    await eventually(() => fixture.handled.length >= 4, 'every record');
    expect(during.generation).toBe(generation);
    expect(during.members).toHaveLength(2);
    expect(tally(fixture.handled, values('slow', 2, 0, 2)).missing).toEqual([]);
  });

  it('takes the partitions of a member whose handler runs past maxPollIntervalMs; it rejoins after', async () => {
    const topic = await fixture.createTopic('stuck', 1);
    await fixture.produce(topic, 1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const a = fixture.member('a', { maxPollIntervalMs: 600 });
    await a.start(['stuck'], {}, async (entry) => {
      if (entry.member === 'a') await held;
    });
    await eventually(
      () => fixture.logs.some((entry) => entry.namespace.startsWith('a:') && /Acquired/.test(entry.log.message)),
      'a to own the partition',
    );
    const b = fixture.member('b', { maxPollIntervalMs: 600 });
    await b.start(['stuck']);
    await eventually(() => fixture.handled.some((entry) => entry.member === 'b'), 'b to take the stuck partition');
    expect(fixture.logs.some((entry) => /maxPollIntervalMs/.test(String(entry.log.reason)))).toBe(true);
    release();
    await eventually(async () => (await b.consumer.describeGroup()).members.length === 2, 'a to join again');
    // At-least-once: the stuck record was handled again by b; a's late commit never moved the offset past it.
    expect(fixture.handled.filter((entry) => entry.value === 'stuck-0-0').map((entry) => entry.member)).toContain('b');
  });

  it('commits on request, refuses partitions it does not own and offsets that go back', async () => {
    const topic = await fixture.createTopic('manual', 2);
    await fixture.produce(topic, 4);
    const a = fixture.member('a');
    await a.start(['manual'], { autoCommit: false });
    await eventually(() => fixture.handled.length >= 8, 'the records');
    await eventually(async () => (await a.consumer.describeGroup()).members[0]?.owned.length === 1, 'ownership');
    expect(await committed('g', topic.topicId, 0)).toBeNull();
    await a.consumer.commitOffsets([{ topic: 'manual', partition: 0, offset: '3' }]);
    expect(await committed('g', topic.topicId, 0)).toBe('3');
    await expect(a.consumer.commitOffsets([{ topic: 'manual', partition: 0, offset: '2' }])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(a.consumer.commitOffsets([{ topic: 'manual', partition: 9, offset: '1' }])).rejects.toMatchObject({
      code: 'REBALANCE_IN_PROGRESS',
    });
    await expect(a.consumer.commitOffsets([{ topic: 'manual', partition: 1, offset: 'x' }])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await a.consumer.disconnect();
    // autoCommit false: stopping commits nothing more.
    expect(await committed('g', topic.topicId, 0)).toBe('3');
    expect(await committed('g', topic.topicId, 1)).toBeNull();
    const description = await a.consumer.describeGroup();
    expect(description).toMatchObject({ groupId: 'g', state: 'Empty', protocol: 'cooperative-sticky', members: [] });
  });

  it('resumes a group from its committed offsets after every member stopped', async () => {
    const topic = await fixture.createTopic('resume', 3);
    await fixture.produce(topic, 5);
    const a = fixture.member('a');
    await a.start(['resume']);
    await eventually(() => fixture.handled.length >= 15, 'the first records');
    await a.consumer.disconnect();
    await fixture.produce(topic, 5);
    const b = fixture.member('b');
    await b.start(['resume']);
    await eventually(() => fixture.handled.length >= 30, 'the rest');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = tally(fixture.handled, values('resume', 3, 0, 10));
    expect(result.missing).toEqual([]);
    if (!somethingFailed(fixture.logs)) expect(result.duplicates).toEqual([]);
    // a committed everything it handled when it stopped, so b started after it.
    expect(fixture.handled.filter((entry) => entry.member === 'b').every((e) => Number(e.offset) >= 5)).toBe(true);
  });
});
