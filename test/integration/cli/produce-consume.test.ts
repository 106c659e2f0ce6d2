import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { runKlog } from '../../helpers/cli-process.js';
import { testS3ProcessEnv } from '../../helpers/s3-test-store.js';

describe('klog produce and consume on MinIO', () => {
  const s3 = inject('s3');
  const url = `s3://${s3.bucket}/cli-produce-consume-${randomUUID()}`;
  // The standard AWS environment, as users set it; nothing from the machine's klog settings.
  const env = {
    ...testS3ProcessEnv(),
    AWS_PROFILE: undefined,
    KLOG_URL: undefined,
    KLOG_PROFILE: undefined,
  };

  it('round-trips keyed records with headers through --url s3://...', async () => {
    const produced = await runKlog(
      [
        'produce',
        'orders',
        '--url',
        url,
        '--parse-key',
        '--key-separator',
        ':',
        '--header',
        'via=minio',
        '--linger-ms',
        '20',
      ],
      { env, input: 'k1:first\nk2:second\n' },
    );
    expect(produced).toMatchObject({ code: 0, stdout: '' });
    expect(produced.stderr.trimEnd().split('\n')).toEqual([
      'klog: created topic "orders" (1 partition, the defaults); --no-create-topic prevents this',
      'klog: produced 2 records to topic "orders" (partition 0: offsets 0 to 1)',
    ]);

    const [plain, json] = await Promise.all([
      runKlog(['consume', 'orders', '--url', url, '--from-beginning', '--exit-at-end', '--print-key'], { env }),
      runKlog(['consume', 'orders', '--url', url, '--offset', '-1', '--exit-at-end', '--json'], { env }),
    ]);
    expect(plain).toMatchObject({ code: 0, stdout: 'k1\tfirst\nk2\tsecond\n', stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual({
      topic: 'orders',
      partition: 0,
      offset: '1',
      timestamp: expect.any(String),
      headers: { via: 'minio' },
      key: 'k2',
      value: 'second',
    });
  });
});
