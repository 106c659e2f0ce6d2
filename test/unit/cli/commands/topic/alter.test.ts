import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';

describe('klog topic alter', () => {
  let home: CliHome;
  beforeEach(async () => {
    home = await openCliHome();
    await home.klog.admin().createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
  });
  afterEach(() => home.close());

  it('adds partitions and changes configs in one call; configs not named keep their values', async () => {
    await home.klog.admin().createTopics({
      topics: [{ topic: 'clicks', configEntries: [{ name: 'max.message.bytes', value: '2048' }] }],
    });
    const altered = await home.run(['topic', 'alter', 'clicks', '--partitions', '3', '--config', 'retention.ms=1000']);
    expect(altered).toMatchObject({ code: 0, stdout: 'Altered topic clicks: partitions=3, retention.ms=1000.\n' });
    const details = await home.klog.admin().describeTopic('clicks');
    expect(details.partitions).toHaveLength(3);
    expect(details.config).toMatchObject({ 'retention.ms': '1000', 'max.message.bytes': '2048' });
  });

  it('changes nothing when a part of the request is invalid', async () => {
    const [fewer, typo, nothing] = await Promise.all([
      home.run(['topic', 'alter', 'orders', '--partitions', '1', '--config', 'retention.ms=1000']),
      home.run(['topic', 'alter', 'orders', '--partitions', '4', '--config', 'retention.msec=1000']),
      home.run(['topic', 'alter', 'orders']),
    ]);
    expect(fewer).toMatchObject({ code: 3, stderr: expect.stringContaining('Partitions can be added, never removed') });
    expect(typo).toMatchObject({ code: 3, stderr: expect.stringContaining('unsupported config "retention.msec"') });
    expect(nothing).toMatchObject({ code: 3, stderr: expect.stringContaining('Nothing to change') });
    const details = await home.klog.admin().describeTopic('orders');
    expect(details.partitions).toHaveLength(2);
    expect(details.config['retention.ms']).toBe('604800000');
  });
});
