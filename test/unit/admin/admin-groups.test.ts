import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Admin } from '../../../sdk/admin/admin.js';
import { Klog } from '../../../sdk/client/klog.js';
import { membersPrefix } from '../../../sdk/store/keys.js';
import { eventually, fastGroup, type GroupFixture, openGroupFixture, storeKinds } from '../../helpers/group-fixture.js';

describe.each(storeKinds)('Admin consumer groups on the %s store', (kind) => {
  let fixture: GroupFixture;
  let admin: Admin;
  beforeEach(async () => {
    fixture = await openGroupFixture(kind);
    admin = new Klog({
      store: fixture.store,
      retry: { retries: 2, initialRetryTimeMs: 5, maxRetryTimeMs: 20 },
    }).admin();
  });
  afterEach(async () => {
    await fixture.close();
  });

  async function committedOf(group: string, topic: string): Promise<string[]> {
    const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return entry!.partitions.map((partition) => partition.offset);
  }

  it('lists and describes groups: members, assignment, committed and log-end offsets, lag', async () => {
    const topic = await fixture.createTopic('described', 2);
    await fixture.produce(topic, 6);
    const member = fixture.member('a', { groupId: 'billing' });
    await member.start(['described'], { autoCommitInterval: 50 });
    await eventually(async () => (await committedOf('billing', 'described')).join() === '6,6', 'commits');
    expect(await admin.listGroups()).toEqual({ groups: [{ groupId: 'billing', protocolType: 'consumer' }] });

    const {
      groups: [billing, unknown],
    } = await admin.describeGroups(['billing', 'nobody']);
    expect(billing).toMatchObject({
      groupId: 'billing',
      state: 'Stable',
      protocol: 'cooperative-sticky',
      members: [{ clientId: 'a', isLeader: true, assignment: [{ topic: 'described', partitions: [0, 1] }] }],
    });
    expect(billing!.partitions).toEqual([
      {
        topic: 'described',
        partition: 0,
        committedOffset: '6',
        logEndOffset: '6',
        lag: '0',
        memberId: expect.any(String),
      },
      {
        topic: 'described',
        partition: 1,
        committedOffset: '6',
        logEndOffset: '6',
        lag: '0',
        memberId: expect.any(String),
      },
    ]);
    expect(unknown).toMatchObject({ groupId: 'nobody', state: 'Dead', members: [], partitions: [] });

    await member.consumer.disconnect();
    await fixture.produce(topic, 4);
    const [after] = (await admin.describeGroups(['billing'])).groups;
    expect(after).toMatchObject({ state: 'Empty', members: [] });
    expect(after!.partitions.map((partition) => partition.lag)).toEqual(['4', '4']);
  });

  it('fetches offsets: -1 where nothing was committed', async () => {
    await fixture.createTopic('fresh', 3);
    expect(await admin.fetchOffsets({ groupId: 'g', topics: ['fresh'] })).toEqual([
      {
        topic: 'fresh',
        partitions: [0, 1, 2].map((partition) => ({ partition, offset: '-1', metadata: null })),
      },
    ]);
    expect(await admin.fetchOffsets({ groupId: 'g' })).toEqual([]);
    await expect(admin.fetchOffsets({ groupId: 'g', topics: ['missing'] })).rejects.toMatchObject({
      code: 'TOPIC_NOT_FOUND',
    });
  });

  it('resets offsets to the earliest, latest, an offset, a time, or by a shift, within the log', async () => {
    const topic = await fixture.createTopic('reset', 2);
    await fixture.produce(topic, 10);
    const plan = await admin.resetOffsets({ groupId: 'g', topic: 'reset', to: { offset: '4' }, dryRun: true });
    expect(plan).toEqual([
      { partition: 0, previous: null, offset: '4' },
      { partition: 1, previous: null, offset: '4' },
    ]);
    expect(await committedOf('g', 'reset')).toEqual(['-1', '-1']);
    await admin.resetOffsets({ groupId: 'g', topic: 'reset', to: { offset: '4' } });
    expect(await committedOf('g', 'reset')).toEqual(['4', '4']);
    await admin.resetOffsets({ groupId: 'g', topic: 'reset', to: { shiftBy: -3 }, partitions: [1] });
    expect(await committedOf('g', 'reset')).toEqual(['4', '1']);
    await admin.resetOffsets({ groupId: 'g', topic: 'reset', to: { shiftBy: -30 } });
    expect(await committedOf('g', 'reset')).toEqual(['0', '0']);
    await admin.resetOffsets({ groupId: 'g', topic: 'reset' });
    expect(await committedOf('g', 'reset')).toEqual(['10', '10']);
    await admin.resetOffsets({ groupId: 'g', topic: 'reset', earliest: true });
    expect(await committedOf('g', 'reset')).toEqual(['0', '0']);
    await admin.resetOffsets({ groupId: 'g', topic: 'reset', to: { timestamp: Date.now() + 60_000 } });
    expect(await committedOf('g', 'reset')).toEqual(['10', '10']);
    await admin.setOffsets({ groupId: 'g', topic: 'reset', partitions: [{ partition: 0, offset: '99' }] });
    expect(await committedOf('g', 'reset')).toEqual(['10', '10']);
    await admin.setOffsets({ groupId: 'g', topic: 'reset', partitions: [{ partition: 1, offset: '7' }] });
    expect(await committedOf('g', 'reset')).toEqual(['10', '7']);
    await expect(admin.resetOffsets({ groupId: 'g', topic: 'reset', partitions: [5] })).rejects.toMatchObject({
      code: 'PARTITION_NOT_FOUND',
    });
    await expect(admin.resetOffsets({ groupId: 'g', topic: 'reset', to: 'middle' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('refuses to reset or delete a group with live members unless forced; a forced reset restarts them there', async () => {
    const topic = await fixture.createTopic('live', 1);
    await fixture.produce(topic, 10);
    const member = fixture.member('a');
    await member.start(['live'], { autoCommitInterval: 50 });
    await eventually(async () => (await committedOf('g', 'live'))[0] === '10', 'the commit of 10');
    await expect(admin.resetOffsets({ groupId: 'g', topic: 'live', earliest: true })).rejects.toMatchObject({
      code: 'GROUP_NOT_EMPTY',
      context: { members: [expect.stringMatching(/^a-/)] },
    });
    await expect(admin.deleteGroups(['g'])).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });

    const before = fixture.handled.length;
    await admin.setOffsets({ groupId: 'g', topic: 'live', partitions: [{ partition: 0, offset: '7' }], force: true });
    await fixture.produce(topic, 1);
    // The member's next commit fails (the reset took the claim), so it claims again and reads from 7.
    await eventually(() => fixture.handled.slice(before).some((entry) => entry.offset === '7'), 'records again from 7');
    await eventually(async () => (await committedOf('g', 'live'))[0] === '11', 'the commit of 11');
  });

  it('tells a group whose members died from a live one within a session timeout, and then deletes it', async () => {
    const topic = await fixture.createTopic('dead', 1);
    await fixture.produce(topic, 3);
    const member = fixture.member('a');
    await member.start(['dead'], { autoCommitInterval: 50 });
    await eventually(async () => (await committedOf('g', 'dead'))[0] === '3', 'the commit');
    member.freeze();
    const started = performance.now();
    await admin.resetOffsets({ groupId: 'g', topic: 'dead', earliest: true });
    const waited = performance.now() - started;
    expect(await committedOf('g', 'dead')).toEqual(['0']);
    expect(await fixture.store.list(membersPrefix('g'))).toEqual([]);
    expect(await admin.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: 0 }]);
    expect(await admin.listGroups()).toEqual({ groups: [] });
    await expect(admin.deleteGroups(['g'])).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
    console.info(
      `[${kind}] dead members recognised after ${(waited / fastGroup.sessionTimeoutMs).toFixed(2)} session timeouts`,
    );
  });
});
