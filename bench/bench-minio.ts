/**
 * A throwaway MinIO for benchmarks (scripts/minio.mjs, typed here once), and a klog S3 store on it.
 */
import { randomUUID } from 'node:crypto';
import { S3ObjectStore } from '../sdk/store/s3-object-store.js';

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
