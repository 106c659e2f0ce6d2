import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { runKlog } from '../../helpers/cli-process.js';
import { testS3ProcessEnv } from '../../helpers/s3-test-store.js';

describe('klog consume --group and klog group describe on MinIO', () => {
  const s3 = inject('s3');
  const url = `s3://${s3.bucket}/cli-group-${randomUUID()}`;
  // The standard AWS environment, as users set it; nothing from the machine's klog settings.
  const env = {
    ...testS3ProcessEnv(),
    AWS_PROFILE: undefined,
    KLOG_URL: undefined,
    KLOG_PROFILE: undefined,
  };

  it('commits what a group consumer printed, and describe shows the lag of records produced after it', async () => {
    const first = await runKlog(['produce', 'orders', '--url', url], { env, input: 'a\nb\nc\n' });
    expect(first.code).toBe(0);
    const consumed = await runKlog(
      ['consume', 'orders', '--url', url, '--group', 'billing', '--from-beginning', '--exit-at-end'],
      { env },
    );
    expect(consumed).toMatchObject({ code: 0, stdout: 'a\nb\nc\n', stderr: '' });
    const second = await runKlog(['produce', 'orders', '--url', url], { env, input: 'd\n' });
    expect(second.code).toBe(0);

    const described = await runKlog(['group', 'describe', 'billing', '--url', url, '--json'], { env });
    expect(described.code).toBe(0);
    expect(JSON.parse(described.stdout)).toMatchObject({
      groupId: 'billing',
      state: 'Empty',
      members: [],
      partitions: [
        {
          topic: 'orders',
          partition: 0,
          committedOffset: '3',
          logEndOffset: '4',
          lag: '1',
          memberId: expect.any(String),
        },
      ],
    });
  });
});
