/**
 * S3 stores for integration tests, on the endpoint the global setup provides (minio-global-setup.ts). Each
 * store gets its own random prefix, so tests never see each other's objects in the shared bucket.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { S3ObjectStore, type S3ObjectStoreOptions } from '../../sdk/store/s3-object-store.js';

/** The store options for the test endpoint, for tests that need a variant (other credentials, no prefix). */
export function testS3StoreOptions(prefix = `test-${randomUUID()}`): S3ObjectStoreOptions {
  const s3 = inject('s3');
  return {
    bucket: s3.bucket,
    prefix,
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  };
}

export function openTestS3Store(prefix?: string): S3ObjectStore {
  return new S3ObjectStore(testS3StoreOptions(prefix));
}

/**
 * The standard AWS environment that points a child process (a writer, a group member, the klog binary) at the
 * test endpoint, as users point klog at MinIO.
 */
export function testS3ProcessEnv(): NodeJS.ProcessEnv {
  const s3 = inject('s3');
  return {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
  };
}

/** A store under a fresh prefix, the `s3://` URL of the same prefix, and the environment child processes need. */
export function testS3Target(label: string): { store: S3ObjectStore; url: string; env: NodeJS.ProcessEnv } {
  const prefix = `${label}-${randomUUID()}`;
  return { store: openTestS3Store(prefix), url: `s3://${inject('s3').bucket}/${prefix}`, env: testS3ProcessEnv() };
}
