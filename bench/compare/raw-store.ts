/**
 * The raw object store for the comparison: PutObject and GetObject rates against MinIO for the object sizes klog
 * writes, through the stock `@aws-sdk/client-s3` and through the minimal SigV4 client of bench/signed-put.ts (the
 * physical limit of the design on this machine). PUTs are conditional creates of new keys, as klog's appends;
 * GETs read back the objects the signed PUTs of the same case wrote, whole.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type BenchMinio, benchS3Client, benchSignedClient } from '../bench-minio.js';
import { percentile, round } from './stats.js';

export type RawClient = 'aws-sdk' | 'signed';
export type RawOperation = 'put' | 'get';

export interface RawResult {
  client: RawClient;
  operation: RawOperation;
  objectBytes: number;
  inFlight: number;
  requests: number;
  requestsPerSecond: number;
  megabytesPerSecond: number;
  cpuMsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
}

export interface RawOptions {
  objectSizes: number[];
  inFlight: number[];
  secondsPerCase: number;
  /** A case also stops after this many requests. */
  maxRequestsPerCase: number;
}

/** PUTs and GETs one object; each throws unless S3 answered 200. */
interface RawObjectClient {
  client: RawClient;
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<number>;
  close(): void;
}

const WARMUP_REQUESTS_PER_LANE = 2;

function sdkClient(minio: BenchMinio): RawObjectClient {
  const { client: s3, agent } = benchS3Client(minio);
  return {
    client: 'aws-sdk',
    async put(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: minio.bucket, Key: key, Body: body, IfNoneMatch: '*' }));
    },
    async get(key) {
      const answer = await s3.send(new GetObjectCommand({ Bucket: minio.bucket, Key: key }));
      const bytes = await answer.Body?.transformToByteArray();
      return bytes?.length ?? 0;
    },
    close() {
      s3.destroy();
      agent.destroy();
    },
  };
}

function signedClient(minio: BenchMinio): RawObjectClient {
  const client = benchSignedClient(minio);
  return {
    client: 'signed',
    async put(key, body) {
      const { status } = await client.put(key, body, { 'if-none-match': '*' });
      if (status !== 200) throw new Error(`The signed PUT of ${key} answered ${status}.`);
    },
    async get(key) {
      const { status, body } = await client.get(key);
      if (status !== 200) throw new Error(`The signed GET of ${key} answered ${status}.`);
      return body.length;
    },
    close: () => client.close(),
  };
}

/** Runs `lanes` loops of `request()` until `done()`; returns each request's latency in ms. */
async function runLanes(lanes: number, done: () => boolean, request: () => Promise<void>) {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (!done()) {
        const started = performance.now();
        await request();
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

async function measureCase(
  client: RawObjectClient,
  operation: RawOperation,
  objectBytes: number,
  inFlight: number,
  options: RawOptions,
  request: (index: number) => Promise<void>,
): Promise<RawResult> {
  // One count across warm-up and measurement, so that PUTs never reuse a key.
  let next = 0;
  const nextRequest = () => request(next++);
  let warmups = 0;
  await runLanes(inFlight, () => warmups++ >= WARMUP_REQUESTS_PER_LANE * inFlight, nextRequest);
  let issued = 0;
  const limitMs = options.secondsPerCase * 1000;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const latencies = await runLanes(
    inFlight,
    () => issued++ >= options.maxRequestsPerCase || performance.now() - started >= limitMs,
    nextRequest,
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    client: client.client,
    operation,
    objectBytes,
    inFlight,
    requests: latencies.length,
    requestsPerSecond: round(latencies.length / seconds),
    megabytesPerSecond: round((latencies.length * objectBytes) / seconds / 1e6),
    cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / latencies.length, 2),
    p50Ms: round(percentile(latencies, 0.5), 2),
    p99Ms: round(percentile(latencies, 0.99), 2),
  };
}

/** Measures PUT then GET for every size, in-flight count and client; `progress` is called after each case. */
export async function measureRawStore(
  minio: BenchMinio,
  options: RawOptions,
  progress: () => void,
): Promise<RawResult[]> {
  const clients = [sdkClient(minio), signedClient(minio)];
  const results: RawResult[] = [];
  try {
    for (const objectBytes of options.objectSizes) {
      const body = new Uint8Array(randomBytes(objectBytes));
      for (const inFlight of options.inFlight) {
        const written: string[] = [];
        for (const client of clients) {
          const prefix = `raw-${randomUUID()}`;
          const put = async (index: number) => {
            const key = `${prefix}/${index}`;
            await client.put(key, body);
            if (client.client === 'signed') written.push(key);
          };
          results.push(await measureCase(client, 'put', objectBytes, inFlight, options, put));
          progress();
        }
        for (const client of clients) {
          const get = async (index: number) => {
            const bytes = await client.get(written[index % written.length]!);
            if (bytes !== objectBytes) throw new Error(`A GET returned ${bytes} bytes, not ${objectBytes}.`);
          };
          results.push(await measureCase(client, 'get', objectBytes, inFlight, options, get));
          progress();
        }
      }
    }
  } finally {
    for (const client of clients) client.close();
  }
  return results;
}
