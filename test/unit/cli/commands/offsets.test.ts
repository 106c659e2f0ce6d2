import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../cli-home.js';

const hour = 3_600_000;
const start = Date.parse('2025-06-01T12:00:00Z');

describe('klog offsets', () => {
  let home: CliHome;
  beforeEach(async () => {
    home = await openCliHome();
    await home.klog.admin().createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
    const producer = home.klog.producer();
    // Partition 0 gets records an hour apart; partition 1 gets one record at the start.
    await producer.send({
      topic: 'orders',
      messages: [
        ...[0, 1, 2].map((hours) => ({ value: `r${hours}`, partition: 0, timestamp: String(start + hours * hour) })),
        { value: 'other', partition: 1, timestamp: String(start) },
      ],
    });
    await producer.disconnect();
  });
  afterEach(() => home.close());

  it('prints earliest and latest offsets per partition', async () => {
    const result = await home.run(['offsets', 'orders']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'TOPIC   PARTITION  EARLIEST-OFFSET  LATEST-OFFSET',
        'orders  0          0                3',
        'orders  1          0                1',
        '',
      ].join('\n'),
    );
  });

  it('finds the offset for a time given as an ISO date or in ms, and the log end past the newest record', async () => {
    const [iso, ms, earliest] = await Promise.all([
      home.run(['offsets', 'orders', '--time', '2025-06-01T13:30:00Z', '--json']),
      home.run(['offsets', 'orders', '--time', String(start + 5 * hour)]),
      home.run(['offsets', 'orders', '--time', '-2', '--json']),
    ]);
    expect(JSON.parse(iso.stdout)).toEqual({
      topic: 'orders',
      time: start + 1.5 * hour,
      partitions: [
        { partition: 0, offset: '2' },
        { partition: 1, offset: '1' },
      ],
    });
    expect(ms.stdout).toBe(
      ['TOPIC   PARTITION  OFFSET', 'orders  0          3', 'orders  1          1', ''].join('\n'),
    );
    expect(JSON.parse(earliest.stdout).partitions).toEqual([
      { partition: 0, offset: '0' },
      { partition: 1, offset: '0' },
    ]);
  });

  it('rejects a time it cannot read', async () => {
    const result = await home.run(['offsets', 'orders', '--time', 'yesterday']);
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toContain('--time takes milliseconds since the epoch');
  });
});
