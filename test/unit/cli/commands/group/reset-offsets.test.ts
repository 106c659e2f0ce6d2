import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';
import { startLiveMember } from './live-member.js';

const start = Date.parse('2025-06-01T12:00:00Z');

describe('klog group reset-offsets', () => {
  let home: CliHome;

  /** The group's committed offsets of "orders", by partition ('-1': none). */
  async function committed(group: string): Promise<string[]> {
    const [topic] = await home.klog.admin().fetchOffsets({ groupId: group, topics: ['orders'] });
    return topic!.partitions.map((partition) => partition.offset);
  }

  beforeAll(async () => {
    home = await openCliHome();
    const admin = home.klog.admin();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
    const producer = home.klog.producer();
    await producer.send({
      topic: 'orders',
      messages: [
        ...[0, 1, 2, 3, 4].map((i) => ({ value: `p0-${i}`, partition: 0, timestamp: String(start + i * 1000) })),
        ...[0, 1, 2].map((i) => ({ value: `p1-${i}`, partition: 1, timestamp: String(start + i * 1000) })),
      ],
    });
    await producer.disconnect();
  });
  afterAll(() => home.close());

  it('prints the planned offsets and changes nothing without --execute; moves them with --execute', async () => {
    const admin = home.klog.admin();
    await admin.setOffsets({
      groupId: 'billing',
      topic: 'orders',
      partitions: [
        { partition: 0, offset: '4' },
        { partition: 1, offset: '3' },
      ],
    });
    const before = await admin.describeGroups(['billing']);

    const dryRun = await home.run(['group', 'reset-offsets', 'billing', '--topic', 'orders', '--to-earliest']);
    expect(dryRun).toMatchObject({
      code: 0,
      stderr: 'klog: dry run: nothing was changed; add --execute to set these offsets.\n',
    });
    expect(
      dryRun.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/\s+/)),
    ).toEqual([
      ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'],
      ['billing', 'orders', '0', '4', '0'],
      ['billing', 'orders', '1', '3', '0'],
    ]);
    expect(await admin.describeGroups(['billing'])).toEqual(before);

    const shifted = await home.run([
      'group',
      'reset-offsets',
      'billing',
      '--topic',
      'orders:0',
      '--shift-by',
      '-3',
      '--execute',
      '--json',
    ]);
    expect(shifted.code).toBe(0);
    expect(JSON.parse(shifted.stdout)).toEqual({
      group: 'billing',
      executed: true,
      partitions: [{ topic: 'orders', partition: 0, currentOffset: '4', newOffset: '1' }],
    });
    expect(await committed('billing')).toEqual(['1', '3']);

    // The first record at or after start + 1.5 s: offset 2 in both partitions.
    const byTime = await home.run([
      'group',
      'reset-offsets',
      'billing',
      '--topic',
      'orders',
      '--to-datetime',
      new Date(start + 1500).toISOString(),
      '--execute',
    ]);
    expect(byTime).toMatchObject({ code: 0, stderr: '' });
    expect(await committed('billing')).toEqual(['2', '2']);
  });

  it('is refused while the group has live members (exit 3), unless --force', async () => {
    const member = await startLiveMember(home.klog, 'busy', 'orders', 'worker-1');
    try {
      const refused = await home.run([
        'group',
        'reset-offsets',
        'busy',
        '--topic',
        'orders',
        '--to-latest',
        '--execute',
      ]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toBe(
        'klog: Consumer group "busy" has live members (worker-1): stop its consumers before you reset its offsets, ' +
          'or add --force (their next commits then fail, and they restart from the new offsets).\n',
      );
      expect(await committed('busy')).toEqual(['-1', '-1']);

      const forced = await home.run([
        'group',
        'reset-offsets',
        'busy',
        '--topic',
        'orders',
        '--to-offset',
        '1',
        '--execute',
        '--force',
      ]);
      expect(forced).toMatchObject({ code: 0, stderr: '' });
      expect(await committed('busy')).toEqual(['1', '1']);
    } finally {
      await member.disconnect();
    }
  });

  it('refuses a missing strategy (exit 2) and a partition the topic does not have (exit 4)', async () => {
    await home.klog
      .admin()
      .setOffsets({ groupId: 'audit', topic: 'orders', partitions: [{ partition: 0, offset: '2' }] });
    const [none, partition] = await Promise.all([
      home.run(['group', 'reset-offsets', 'audit', '--topic', 'orders', '--execute']),
      home.run(['group', 'reset-offsets', 'audit', '--topic', 'orders:1,7', '--to-latest', '--execute']),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Exactly one of the following must be provided');
    expect(partition.code).toBe(4);
    expect(partition.stderr).toBe('klog: Topic "orders" has partitions 0 to 1; there is no partition 7.\n');
    expect(await committed('audit')).toEqual(['2', '-1']);
  });
});
