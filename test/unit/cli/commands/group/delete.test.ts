import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';
import { startLiveMember } from './live-member.js';

describe('klog group delete', () => {
  let home: CliHome;
  beforeEach(async () => {
    home = await openCliHome();
    await home.klog.admin().createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
  });
  afterEach(() => home.close());

  it('deletes a group and its offsets; a missing group is exit 4 unless --if-exists', async () => {
    const admin = home.klog.admin();
    await admin.setOffsets({ groupId: 'old', topic: 'orders', partitions: [{ partition: 0, offset: '0' }] });
    const deleted = await home.run(['group', 'delete', 'old']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted consumer group old.\n', stderr: '' });
    expect((await admin.listGroups()).groups).toEqual([]);

    const [again, ifExists] = await Promise.all([
      home.run(['group', 'delete', 'old']),
      home.run(['group', 'delete', 'old', '--if-exists', '--json']),
    ]);
    expect(again.code).toBe(4);
    expect(again.stderr).toBe(
      'klog: Consumer group "old" does not exist; nothing to delete. Add --if-exists to succeed when it is missing.\n',
    );
    expect(ifExists.code).toBe(0);
    expect(JSON.parse(ifExists.stdout)).toEqual({ group: 'old', deleted: false });
  });

  it('is refused while the group has live members (exit 3)', async () => {
    const member = await startLiveMember(home.klog, 'busy', 'orders', 'worker-1');
    try {
      const refused = await home.run(['group', 'delete', 'busy']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/^klog: Group "busy" has 1 live member\(s\) \(worker-1\); stop its consumers/);
      expect((await home.klog.admin().listGroups()).groups).toEqual([{ groupId: 'busy', protocolType: 'consumer' }]);
    } finally {
      await member.disconnect();
    }
  });
});
