import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';

describe('klog topic describe', () => {
  let home: CliHome;
  beforeEach(async () => {
    home = await openCliHome();
  });
  afterEach(() => home.close());

  it('prints a header line and a row per partition, and the same figures under --json', async () => {
    const admin = home.klog.admin();
    await admin.createTopics({
      topics: [{ topic: 'orders', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    });
    const producer = home.klog.producer();
    await producer.send({
      topic: 'orders',
      messages: [
        { value: 'a', partition: 1 },
        { value: 'b', partition: 1 },
      ],
    });
    await producer.disconnect();
    const expected = await admin.describeTopic('orders');
    const bytes = expected.partitions[1]!.bytes;

    const [table, json] = await Promise.all([
      home.run(['topic', 'describe', 'orders']),
      home.run(['topic', 'describe', 'orders', '--json']),
    ]);
    expect(table.code).toBe(0);
    const [header, columns, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      new RegExp(
        `^Topic: orders\\tTopicId: ${expected.topicId}\\tPartitionCount: 2\\tCreated: \\S+Z\\t` +
          'Configs: retention.ms=60000,retention.bytes=-1,max.message.bytes=1048576$',
      ),
    );
    expect(columns!.split(/\s+/)).toEqual([
      'TOPIC',
      'PARTITION',
      'EARLIEST-OFFSET',
      'LATEST-OFFSET',
      'SEGMENTS',
      'BYTES',
    ]);
    expect(rows.map((row) => row.split(/\s+/))).toEqual([
      ['orders', '0', '0', '0', '0', '0'],
      ['orders', '1', '0', '2', '1', String(bytes)],
    ]);
    // Columns line up: every cell starts where its column's name starts.
    const starts = [...columns!.matchAll(/\S+/g)].map((match) => match.index);
    for (const row of rows) expect([...row.matchAll(/\S+/g)].map((match) => match.index)).toEqual(starts);
    expect(JSON.parse(json.stdout)).toEqual(expected);
  });
});
