import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Klog } from '../../../sdk/client/klog.js';
import {
  eventually,
  type GroupFixture,
  openGroupFixture,
  somethingFailed,
  tally,
  values,
} from '../../helpers/group-fixture.js';
import { watchCommittedOffsets } from '../../helpers/offset-watch.js';
import { openTestS3Store } from '../../helpers/s3-test-store.js';

describe('consumer groups in one process on MinIO', () => {
  let fixture: GroupFixture;
  beforeEach(async () => {
    fixture = await openGroupFixture(openTestS3Store(`group-${randomUUID()}`));
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('shares 6 partitions among 3 members, then 2: every record once, offsets never backwards', async () => {
    const topic = await fixture.createTopic('orders', 6);
    const watch = watchCommittedOffsets(fixture.store, 'g', 50);
    await fixture.produce(topic, 10);
    const members = ['a', 'b', 'c'].map((name) => fixture.member(name));
    for (const member of members) await member.start(['orders'], { autoCommitInterval: 100 });
    await eventually(() => fixture.handled.length >= 60, 'the first records');
    await members[1]!.consumer.disconnect();
    await fixture.produce(topic, 10);
    await eventually(() => tally(fixture.handled, values('orders', 6, 0, 20)).missing.length === 0, 'every record');
    await watch.stop();
    const { duplicates, missing } = tally(fixture.handled, values('orders', 6, 0, 20));
    expect(missing).toEqual([]);
    if (!somethingFailed(fixture.logs)) expect(duplicates).toEqual([]);
    expect(watch.backwards()).toEqual([]);
  });

  it('lets two groups each read every record, and starts a reused group on a recreated topic from the reset policy', async () => {
    const old = await fixture.createTopic('twice', 2);
    await fixture.produce(old, 3);
    const one = fixture.member('one', { groupId: 'one' });
    const two = fixture.member('two', { groupId: 'two' });
    await one.start(['twice'], { autoCommitInterval: 50 });
    await two.start(['twice'], { autoCommitInterval: 50 });
    await eventually(() => fixture.handled.length >= 12, 'both groups to read every record');
    expect(
      tally(
        fixture.handled.filter((e) => e.member === 'one'),
        values('twice', 2, 0, 3),
      ).missing,
    ).toEqual([]);
    expect(
      tally(
        fixture.handled.filter((e) => e.member === 'two'),
        values('twice', 2, 0, 3),
      ).missing,
    ).toEqual([]);
    const admin = new Klog({ store: fixture.store }).admin();
    await eventually(async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: 'one', topics: ['twice'] });
      return offsets!.partitions.every((partition) => partition.offset === '3');
    }, 'the commits');
    await one.consumer.disconnect();

    await fixture.backend.deleteTopic('twice');
    const reborn = await fixture.createTopic('twice', 2);
    await fixture.produce(reborn, 5);
    fixture.handled.length = 0;
    const again = fixture.member('again', { groupId: 'one' });
    await again.start(['twice']);
    await eventually(() => fixture.handled.filter((e) => e.member === 'again').length >= 10, 'the new records');
    const offsets = fixture.handled.filter((e) => e.member === 'again').map((e) => Number(e.offset));
    expect(Math.min(...offsets)).toBe(0);
  });

  it('describes a group with its lag, and resets its offsets only once its members are gone', async () => {
    const topic = await fixture.createTopic('admin', 2);
    await fixture.produce(topic, 4);
    const member = fixture.member('a', { groupId: 'ops' });
    await member.start(['admin'], { autoCommitInterval: 50 });
    const admin = new Klog({ store: fixture.store }).admin();
    await eventually(async () => {
      const [ops] = (await admin.describeGroups(['ops'])).groups;
      return ops!.state === 'Stable' && ops!.partitions.every((partition) => partition.lag === '0');
    }, 'a stable group without lag');
    await expect(admin.resetOffsets({ groupId: 'ops', topic: 'admin', earliest: true })).rejects.toMatchObject({
      code: 'GROUP_NOT_EMPTY',
    });
    await member.consumer.disconnect();
    await fixture.produce(topic, 3);
    const [ops] = (await admin.describeGroups(['ops'])).groups;
    expect(ops).toMatchObject({ state: 'Empty', members: [] });
    expect(
      ops!.partitions.map((partition) => [partition.committedOffset, partition.logEndOffset, partition.lag]),
    ).toEqual([
      ['4', '7', '3'],
      ['4', '7', '3'],
    ]);
    expect(await admin.resetOffsets({ groupId: 'ops', topic: 'admin', to: { shiftBy: -2 } })).toEqual([
      { partition: 0, previous: '4', offset: '2' },
      { partition: 1, previous: '4', offset: '2' },
    ]);
    expect(await admin.listGroups()).toEqual({ groups: [{ groupId: 'ops', protocolType: 'consumer' }] });
    await admin.deleteGroups(['ops']);
    expect(await admin.listGroups()).toEqual({ groups: [] });
  });
});
