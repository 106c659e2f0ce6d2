import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';

describe('klog group list', () => {
  let home: CliHome;
  beforeAll(async () => {
    home = await openCliHome();
  });
  afterAll(() => home.close());

  it('prints the groups in name order, one per line, or as JSON', async () => {
    const admin = home.klog.admin();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
    for (const groupId of ['shipping', 'billing']) {
      await admin.setOffsets({ groupId, topic: 'orders', partitions: [{ partition: 0, offset: '0' }] });
    }
    const [plain, json] = await Promise.all([home.run(['group', 'list']), home.run(['group', 'list', '--json'])]);
    expect(plain).toMatchObject({ code: 0, stdout: 'billing\nshipping\n', stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual({ groups: ['billing', 'shipping'] });
  });
});
