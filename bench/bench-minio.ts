/**
 * A throwaway MinIO for benchmarks (scripts/minio.mjs, typed here once), and the clients benchmarks compare on
 * it: klog's S3 store, the stock S3 client and the minimal signed client.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { S3ObjectStore } from '../sdk/store/s3-object-store.js';
import { SignedPutClient } from './signed-put.js';

export interface BenchMinio {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  stop(): Promise<void>;
}

export async function startBenchMinio(): Promise<BenchMinio> {
  // Compiled to dist/bench/, so the script is two folders up.
  const minioScript = new URL('../../scripts/minio.mjs', import.meta.url).href;
  const { startMinio } = (await import(minioScript)) as { startMinio(): Promise<BenchMinio> };
  return startMinio();
}

export function benchStore(minio: BenchMinio, prefix = `bench-${randomUUID()}`): S3ObjectStore {
  return new S3ObjectStore({
    bucket: minio.bucket,
    prefix,
    endpoint: minio.endpoint,
    region: minio.region,
    credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
  });
}

/** The stock S3 client on MinIO, without retries or checksums, on kept-alive connections; close both when done. */
export function benchS3Client(minio: BenchMinio): { client: S3Client; agent: Agent } {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const client = new S3Client({
    endpoint: minio.endpoint,
    region: minio.region,
    forcePathStyle: true,
    credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({ httpAgent: agent }),
  });
  return { client, agent };
}

/** The minimal SigV4 client (UNSIGNED-PAYLOAD, kept-alive connections) on MinIO's bucket. */
export function benchSignedClient(minio: BenchMinio): SignedPutClient {
  return new SignedPutClient({
    endpoint: minio.endpoint,
    region: minio.region,
    bucket: minio.bucket,
    credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
  });
}
