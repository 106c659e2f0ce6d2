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
