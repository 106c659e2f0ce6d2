/**
 * vitest global setup of the `integration` project: one S3 endpoint for the whole run.
 *
 * With KLOG_TEST_S3_ENDPOINT set, the tests use that endpoint (its bucket is created if absent). Otherwise a
 * throwaway MinIO is started with scripts/minio.mjs (built once with Go) and stopped afterwards. With
 * neither, setup fails with instructions: the integration tests never skip.
 */
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { TestProject } from 'vitest/node';

export interface S3TestConnection {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  /** Whether the endpoint refuses a delete with a stale If-Match (AWS does; MinIO ignores the header). */
  conditionalDelete: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3TestConnection;
  }
}

/** What this file uses of scripts/minio.mjs, a plain JS module without type declarations. */
interface MinioScript {
  startMinio(): Promise<Omit<S3TestConnection, 'conditionalDelete'> & { stop(): Promise<void> }>;
}

const ENDPOINT_HELP =
  'Set KLOG_TEST_S3_ENDPOINT, KLOG_TEST_S3_ACCESS_KEY_ID and KLOG_TEST_S3_SECRET_ACCESS_KEY (optionally ' +
  'KLOG_TEST_S3_BUCKET, KLOG_TEST_S3_REGION, and KLOG_TEST_S3_CONDITIONAL_DELETE=true for AWS S3) to an ' +
  'S3-compatible endpoint whose credentials may create the bucket, or unset KLOG_TEST_S3_ENDPOINT to let the ' +
  'tests start MinIO (this needs Go 1.24+).';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const endpoint = process.env.KLOG_TEST_S3_ENDPOINT;
  if (endpoint) {
    const connection = externalConnection(endpoint);
    await ensureBucket(connection);
    project.provide('s3', connection);
    return async () => {};
  }
  const minioScript = new URL('../../scripts/minio.mjs', import.meta.url).href;
  const { startMinio } = (await import(minioScript)) as MinioScript;
  let minio: Awaited<ReturnType<MinioScript['startMinio']>>;
  try {
    minio = await startMinio();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // scripts/minio.mjs's messages already say how to fix a missing Go or a failed build.
    throw new Error(`Could not start MinIO for the integration tests. ${reason}`, { cause: error });
  }
  const { stop, ...connection } = minio;
  // The pinned MinIO ignores If-Match on DeleteObject (minio#21677); a test checks that this stays true.
  project.provide('s3', { ...connection, conditionalDelete: false });
  return stop;
}

function externalConnection(endpoint: string): S3TestConnection {
  const accessKeyId = process.env.KLOG_TEST_S3_ACCESS_KEY_ID;
  const secretAccessKey = process.env.KLOG_TEST_S3_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(`KLOG_TEST_S3_ENDPOINT is set to ${endpoint}, but its credentials are missing. ${ENDPOINT_HELP}`);
  }
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region: process.env.KLOG_TEST_S3_REGION || 'us-east-1',
    bucket: process.env.KLOG_TEST_S3_BUCKET || 'klog-test',
    conditionalDelete: process.env.KLOG_TEST_S3_CONDITIONAL_DELETE === 'true',
  };
}

async function ensureBucket(connection: S3TestConnection): Promise<void> {
  const client = new S3Client({
    endpoint: connection.endpoint,
    region: connection.region,
    forcePathStyle: true,
    credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: connection.bucket }));
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(
        `Cannot use bucket "${connection.bucket}" at ${connection.endpoint} (${reason}). ${ENDPOINT_HELP}`,
        {
          cause: error,
        },
      );
    }
    await client.send(new CreateBucketCommand({ Bucket: connection.bucket }));
  } finally {
    client.destroy();
  }
}
