import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runKlog } from '../../helpers/cli-process.js';

describe('CLI on MinIO: access denied names the endpoint and where the credentials came from', () => {
  const s3 = inject('s3');
  const url = `s3://${s3.bucket}/cli-errors-${randomUUID()}`;
  /** The parts of the standard AWS environment every run shares; credentials are added per test. */
  const base = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REGION: s3.region,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    KLOG_URL: undefined,
    KLOG_PROFILE: undefined,
  };
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'klog-cli-aws-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('works with the right credentials', async () => {
    const env = { ...base, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
    const created = await runKlog(['topic', 'create', 'orders', '--partitions', '2', '--url', url], { env });
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic orders.\n' });
    const offsets = await runKlog(['offsets', 'orders', '--url', url, '--json'], { env });
    expect(JSON.parse(offsets.stdout).partitions).toHaveLength(2);
  });

  it('with wrong keys in the environment: exit code 5, one line naming the endpoint and "environment"', async () => {
    const env = { ...base, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret' };
    const result = await runKlog(['topic', 'list', '--url', url], { env });
    expect(result).toMatchObject({ code: 5, stdout: '' });
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^klog: Access denied \(SignatureDoesNotMatch\)/);
    expect(lines[0]).toContain(`at ${s3.endpoint}`);
    expect(lines[0]).toContain(`(store ${url} from --url; AWS credentials from the environment (AWS_ACCESS_KEY_ID))`);
  });

  it('with wrong keys in a named AWS profile: the message names that profile', async () => {
    const credentials = join(dir, 'credentials');
    await writeFile(credentials, '[klog-test]\naws_access_key_id = nobody\naws_secret_access_key = nothing\n');
    const config = join(dir, 'config');
    await writeFile(config, '');
    const env = {
      ...base,
      AWS_PROFILE: 'klog-test',
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: config,
    };
    const result = await runKlog(['topic', 'describe', 'orders', '--url', url], { env });
    expect(result).toMatchObject({ code: 5, stdout: '' });
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^klog: Access denied \(InvalidAccessKeyId\)/);
    expect(result.stderr).toContain('AWS credentials from profile "klog-test" (AWS_PROFILE)');
  });
});
