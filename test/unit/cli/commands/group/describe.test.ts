import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';
import { startLiveMember } from './live-member.js';

function rows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s+/));
}

describe('klog group describe', () => {
  let home: CliHome;

  beforeAll(async () => {
    home = await openCliHome();
    await home.klog.admin().createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
    const producer = home.klog.producer();
    await producer.send({
      topic: 'orders',
      messages: [
        { value: 'a', partition: 0 },
        { value: 'b', partition: 0 },
        { value: 'c', partition: 0 },
        { value: 'd', partition: 1 },
      ],
    });
    await producer.disconnect();
  });
  afterAll(() => home.close());

  it('shows the offsets a group consumer committed, and the lag once more records are produced', async () => {
    const consumed = await home.run(['consume', 'orders', '--group', 'billing', '--from-beginning', '--exit-at-end']);
    expect(consumed).toMatchObject({ code: 0, stderr: '' });
    expect(consumed.stdout.split('\n').filter(Boolean).sort()).toEqual(['a', 'b', 'c', 'd']);

    const producer = home.klog.producer();
    await producer.send({
      topic: 'orders',
      messages: [
        { value: 'e', partition: 0 },
        { value: 'f', partition: 0 },
      ],
    });
    await producer.disconnect();

    const [table, json, state, absent] = await Promise.all([
      home.run(['group', 'describe', 'billing']),
      home.run(['group', 'describe', 'billing', '--json']),
      home.run(['group', 'describe', 'billing', '--state']),
      home.run(['group', 'describe', 'absent']),
    ]);
    expect(table).toMatchObject({ code: 0, stderr: 'klog: consumer group "billing" has no active members.\n' });
    expect(rows(table.stdout)).toEqual([
      ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
      ['billing', 'orders', '0', '3', '5', '2', '-', '-', '-'],
      ['billing', 'orders', '1', '1', '1', '0', '-', '-', '-'],
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      groupId: 'billing',
      state: 'Empty',
      members: [],
      partitions: [
        { topic: 'orders', partition: 0, committedOffset: '3', logEndOffset: '5', lag: '2' },
        { topic: 'orders', partition: 1, committedOffset: '1', logEndOffset: '1', lag: '0' },
      ],
    });
    expect(rows(state.stdout)[1]).toEqual(['billing', 'cooperative-sticky', 'Empty', expect.any(String), '-', '0']);
    expect(absent.code).toBe(4);
    expect(absent.stderr).toBe(
      'klog: Consumer group "absent" does not exist: it has no members and no committed offsets. List the groups ' +
        'with: klog group list\n',
    );
  });

  it('names the member that owns each partition, and lists members with --members', async () => {
    const member = await startLiveMember(home.klog, 'live', 'orders', 'worker-1');
    try {
      const [table, members] = await Promise.all([
        home.run(['group', 'describe', 'live']),
        home.run(['group', 'describe', 'live', '--members']),
      ]);
      expect(table).toMatchObject({ code: 0, stderr: '' });
      expect(rows(table.stdout).slice(1)).toEqual([
        ['live', 'orders', '0', '-', '5', '-', 'worker-1', hostname(), 'klog'],
        ['live', 'orders', '1', '-', '1', '-', 'worker-1', hostname(), 'klog'],
      ]);
      expect(rows(members.stdout)).toEqual([
        ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
        ['live', 'worker-1', hostname(), 'klog', '2', 'orders(0,1)'],
      ]);
    } finally {
      await member.disconnect();
    }
  });
});
