import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runKlog } from '../../helpers/cli-process.js';

describe('klog bench on MinIO', () => {
  let url: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    const s3 = inject('s3');
    url = `s3://${s3.bucket}/bench-${randomUUID()}`;
    // The binary reaches MinIO through the standard AWS environment, as users do.
    env = {
      KLOG_URL: '',
      KLOG_PROFILE: '',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: s3.region,
    };
  });

  it('produces and then consumes the same records through --url s3://..., counting the requests', async () => {
    const produce = await runKlog(
      ['bench', 'produce', '--url', url, '--records', '20000', '--partitions', '2', '--linger-ms', '20', '--json'],
      { env },
    );
    expect(produce.code, produce.stderr).toBe(0);
    const produced = JSON.parse(produce.stdout);
    expect(produced).toMatchObject({ topic: 'klog-bench', partitions: 2, url, records: 20_000, bytes: 2_000_000 });
    expect(produced.settings.lingerMs).toBe(20);
    expect(produced.requests.put).toBeGreaterThanOrEqual(2);
    expect(produced.putsPerMegabyte).toBe(produced.requests.put / 2);
    expect(produced.sendLatencyMs.samples).toBe(200);

    const consume = await runKlog(['bench', 'consume', '--url', url], { env });
    expect(consume.code, consume.stderr).toBe(0);
    expect(consume.stdout).toMatch(/\nrecords +20,000 +records\n/);
    expect(consume.stdout).toMatch(/\nGETs per MB +[\d.]+ +requests\/MB\n/);
    const consumed = JSON.parse((await runKlog(['bench', 'consume', '--url', url, '--json'], { env })).stdout);
    expect(consumed).toMatchObject({ partitions: 2, records: 20_000, bytes: 2_000_000 });
    expect(consumed.requests.get).toBeGreaterThanOrEqual(2);
    expect(consumed.requests.put).toBe(0);
  });
});
