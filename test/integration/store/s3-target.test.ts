import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { isKlogError } from '../../../sdk/errors.js';
import { encodeKey, keyPath, resolveS3Target } from '../../../sdk/store/s3-target.js';

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

async function targetFor(bucket: string, config: S3ClientConfig, endpoint?: string) {
  const client = new S3Client({ credentials, ...config, ...(endpoint === undefined ? {} : { endpoint }) });
  try {
    return await resolveS3Target(client.config, bucket, endpoint);
  } finally {
    client.destroy();
  }
}

describe('resolveS3Target', () => {
  it('addresses AWS buckets virtual-hosted over https, signed for their region', async () => {
    const target = await targetFor('my-bucket', { region: 'eu-west-1' });
    expect(target).toEqual({
      protocol: 'https:',
      hostname: 'my-bucket.s3.eu-west-1.amazonaws.com',
      port: undefined,
      host: 'my-bucket.s3.eu-west-1.amazonaws.com',
      basePath: '',
      signingName: 's3',
      signingRegion: 'eu-west-1',
    });
    expect(keyPath(target, 'topics/t/log/1.seg')).toBe('/topics/t/log/1.seg');
  });

  it('addresses an AWS bucket with dots path-style, as its name cannot match the TLS certificate', async () => {
    const target = await targetFor('my.bucket', { region: 'us-west-2' });
    expect(target.hostname).toBe('s3.us-west-2.amazonaws.com');
    expect(keyPath(target, 'key')).toBe('/my.bucket/key');
  });

  it('follows the SDK settings for path style and FIPS on AWS', async () => {
    expect((await targetFor('my-bucket', { region: 'us-east-1', forcePathStyle: true })).basePath).toBe('/my-bucket');
    expect((await targetFor('my-bucket', { region: 'us-east-1', useFipsEndpoint: true })).hostname).toBe(
      'my-bucket.s3-fips.us-east-1.amazonaws.com',
    );
  });

  it('addresses a custom endpoint path-style, keeping its port and path', async () => {
    const target = await targetFor('bucket', { region: 'us-east-1', forcePathStyle: true }, 'http://127.0.0.1:9000');
    expect(target).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', port: 9000, host: '127.0.0.1:9000' });
    expect(keyPath(target, 'a/b')).toBe('/bucket/a/b');

    const under = await targetFor('bucket', { region: 'us-east-1', forcePathStyle: true }, 'https://s3.example/base/');
    expect(under).toMatchObject({ protocol: 'https:', host: 's3.example', port: undefined });
    expect(keyPath(under, 'a')).toBe('/base/bucket/a');
  });

  it('addresses a custom endpoint virtual-hosted when path style is off', async () => {
    const target = await targetFor('bucket', { region: 'us-east-1', forcePathStyle: false }, 'http://s3.example:9000');
    expect(target.host).toBe('bucket.s3.example:9000');
    expect(keyPath(target, 'a')).toBe('/a');
  });

  it('refuses a directory bucket, which needs a signing scheme klog does not speak', async () => {
    const refusal = await targetFor('klog--usw2-az1--x-s3', { region: 'us-west-2' }).catch((error: unknown) => error);
    expect(isKlogError(refusal, 'STORE_UNSUPPORTED')).toBe(true);
  });
});

describe('encodeKey', () => {
  it("leaves klog's key characters other than = as they are", () => {
    expect(encodeKey('topics/orders.v2_eu-1/0Ab9/12/log/00000000000000000042.seg')).toBe(
      'topics/orders.v2_eu-1/0Ab9/12/log/00000000000000000042.seg',
    );
    expect(encodeKey('groups/g/offsets/topic=orders/p=3')).toBe('groups/g/offsets/topic%3Dorders/p%3D3');
  });

  it("percent-encodes once every byte outside S3's unreserved set, keeping the slashes", () => {
    expect(encodeKey("a b+c%d!e'f(g)h*i~j/é")).toBe('a%20b%2Bc%25d%21e%27f%28g%29h%2Ai~j/%C3%A9');
    expect(encodeKey('a//b/')).toBe('a//b/');
  });
});
