import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';

describe('klog topic create', () => {
  let home: CliHome;
  beforeEach(async () => {
    home = await openCliHome();
  });
  afterEach(() => home.close());

  it('creates a topic with partitions and Kafka-named configs, and lists it', async () => {
    const created = await home.run([
      'topic',
      'create',
      'orders',
      '--partitions',
      '3',
      '--config',
      'retention.ms=60000',
      '--config',
      'max.message.bytes=2048',
    ]);
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic orders.\n', stderr: '' });
    const details = await home.klog.admin().describeTopic('orders');
    expect(details.partitions).toHaveLength(3);
    expect(details.config).toMatchObject({ 'retention.ms': '60000', 'max.message.bytes': '2048' });

    const listed = await home.run(['topic', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual({ topics: ['orders'] });
  });

  it('refuses an existing topic unless --if-not-exists, and says how to change it', async () => {
    await home.klog.admin().createTopics({ topics: [{ topic: 'orders' }] });
    const [again, accepted] = await Promise.all([
      home.run(['topic', 'create', 'orders', '--partitions', '2']),
      home.run(['topic', 'create', 'orders', '--if-not-exists', '--json']),
    ]);
    expect(again.code).toBe(3);
    expect(again.stderr).toBe(
      'klog: Topic "orders" already exists. Change it with: klog topic alter orders, or add --if-not-exists to ' +
        'accept it as it is.\n',
    );
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout)).toEqual({ topic: 'orders', created: false });
    expect((await home.klog.admin().describeTopic('orders')).partitions).toHaveLength(1);
  });

  it('rejects a malformed or unknown config before creating anything', async () => {
    const [malformed, unknown] = await Promise.all([
      home.run(['topic', 'create', 'orders', '--config', 'retention.ms']),
      home.run(['topic', 'create', 'orders', '--config', 'cleanup.policy=compact']),
    ]);
    expect(malformed).toMatchObject({ code: 3, stderr: expect.stringContaining('--config takes name=value') });
    expect(unknown).toMatchObject({ code: 3, stderr: expect.stringContaining('unsupported config "cleanup.policy"') });
    expect(await home.klog.admin().listTopics()).toEqual([]);
  });
});
