/**
 * The ObjectStore on S3 and S3-compatible servers (MinIO), design brief §2.
 *
 * Conditional writes map onto S3's own: a create is `If-None-Match: *`, a replace is `If-Match: <etag>`, and a
 * conditional delete sends `If-Match` too (AWS honours it on general-purpose buckets; MinIO's community
 * edition ignores it and deletes unconditionally, see the integration tests).
 *
 * GET, HEAD, PUT and DELETE go through a lean signed HTTP client (s3-signed-http.ts) instead of the SDK's
 * middleware stack, which costs more CPU per request than everything else klog does for it; LIST, which is rare
 * and needs XML parsing, stays on the SDK. Both take their region, credentials and endpoint rules from the same
 * S3Client configuration, so the standard AWS environment and profiles work for both.
 *
 * Writes are sent exactly once (neither client retries): a write that fails comes back as a typed outcome and
 * the partition log's resolve routine decides what to do, because only it knows whether a second attempt is
 * safe. Reads are idempotent and are retried here, with bounded jittered backoff.
 *
 * Every outcome is decided from the HTTP status, not only the error code: a HEAD answer has no body, so its
 * code is only the status's name.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { storeDefaults } from '../config.js';
import { KlogError } from '../errors.js';
import { withRetries } from '../retry.js';
import type {
  ByteRange,
  DeleteOutcome,
  GetResult,
  HeadResult,
  ListedObject,
  ListOptions,
  ObjectStore,
  WriteCondition,
  WriteOutcome,
} from './object-store.js';
import { classifyFailure, errorAnswer, isTransientAnswer, type S3Failure } from './s3-failure.js';
import { type S3HttpResponse, S3SignedHttp } from './s3-signed-http.js';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** The cluster prefix inside the bucket, such as `prod/klog`. Keys are stored as `<prefix>/<key>`. */
  prefix?: string;
  /** A custom endpoint such as MinIO's. Default: AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then AWS S3. */
  endpoint?: string;
  /** Default: the SDK's chain (AWS_REGION, the profile); `us-east-1` for a custom endpoint with neither. */
  region?: string;
  /** Default: the SDK's credential chain (environment, profile, SSO, instance or task role). */
  credentials?: S3ClientConfig['credentials'];
  /** Path-style URLs (`endpoint/bucket/key`). Default: true with a custom endpoint, as MinIO needs. */
  forcePathStyle?: boolean;
  requestTimeoutMs?: number;
  maxSockets?: number;
}

/** A ranged GET that S3 refused because the range starts past the end: the bytes that exist there are none. */
const PAST_THE_END = Symbol('past the end');

/** S3's page size limit for ListObjectsV2. */
const LIST_PAGE_SIZE = 1000;

function configuredEndpoint(explicit: string | undefined): string | undefined {
  if (explicit !== undefined) return explicit;
  if (process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined;
}

function normalisePrefix(prefix: string | undefined): string {
  return (prefix ?? '').replace(/^\/+|\/+$/g, '');
}

/** Byte order of the UTF-8 encodings, which is the order S3 lists keys in. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Parses `bytes <first>-<last>/<size>` into the object's size. */
function sizeFromContentRange(contentRange: string | undefined): number | undefined {
  const match = /\/(\d+)$/.exec(contentRange ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  readonly bucket: string;
  readonly prefix: string;
  /** The custom endpoint in use, or undefined for AWS S3. */
  readonly endpoint: string | undefined;
  private readonly endpointName: string;
  /** The SDK client: LIST goes through it, and its configuration supplies region, credentials and endpoint. */
  private readonly client: S3Client;
  /** GET, HEAD, PUT and DELETE go through this. */
  private readonly http: S3SignedHttp;
  private readonly agents: [HttpAgent, HttpsAgent];
  private readonly readRetry = {
    attempts: storeDefaults.s3ReadAttempts,
    baseDelayMs: storeDefaults.s3ReadBackoffMs,
    maxDelayMs: storeDefaults.s3ReadMaxBackoffMs,
  };

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = normalisePrefix(options.prefix);
    this.endpoint = configuredEndpoint(options.endpoint);
    const region = options.region ?? (this.endpoint !== undefined && !process.env.AWS_REGION ? 'us-east-1' : undefined);
    const shownRegion = region ?? process.env.AWS_REGION;
    this.endpointName = this.endpoint ?? `AWS S3${shownRegion === undefined ? '' : ` (${shownRegion})`}`;
    const location = `s3://${this.bucket}${this.prefix === '' ? '' : `/${this.prefix}`}`;
    this.description =
      this.endpoint === undefined ? `${location} on ${this.endpointName}` : `${location} at ${this.endpoint}`;

    const maxSockets = options.maxSockets ?? storeDefaults.s3MaxSockets;
    const requestTimeoutMs = options.requestTimeoutMs ?? storeDefaults.s3RequestTimeoutMs;
    const connectTimeoutMs = Math.min(storeDefaults.s3ConnectTimeoutMs, requestTimeoutMs);
    this.agents = [new HttpAgent({ keepAlive: true, maxSockets }), new HttpsAgent({ keepAlive: true, maxSockets })];
    this.client = new S3Client({
      ...(region === undefined ? {} : { region }),
      ...(this.endpoint === undefined ? {} : { endpoint: this.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      forcePathStyle: options.forcePathStyle ?? this.endpoint !== undefined,
      maxAttempts: 1,
      // The SDK's default CRC32 checksums send bodies as aws-chunked with trailers, which S3-compatible servers
      // handle unevenly; klog's segments carry their own CRC-32C.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: new NodeHttpHandler({
        httpAgent: this.agents[0],
        httpsAgent: this.agents[1],
        connectionTimeout: connectTimeoutMs,
        requestTimeout: requestTimeoutMs,
        throwOnRequestTimeout: true,
        // The request timeout stops once response headers arrive; the idle timeout also covers a stalled body.
        socketTimeout: requestTimeoutMs,
      }),
    });
    this.http = new S3SignedHttp({
      bucket: this.bucket,
      endpoint: this.endpoint,
      config: this.client.config,
      agents: { http: this.agents[0], https: this.agents[1] },
      requestTimeoutMs,
      connectTimeoutMs,
    });
  }

  async get(key: string, range?: ByteRange): Promise<GetResult | null> {
    if (range?.length === 0) return this.emptyRead(key);
    const result = await this.read('GET', key, () => this.getOnce(key, range));
    return result === PAST_THE_END ? this.emptyRead(key) : result;
  }

  async head(key: string): Promise<HeadResult | null> {
    return this.read('HEAD', key, async () => {
      const response = await this.http.send({ method: 'HEAD', key: this.fullKey(key) });
      if (response.status >= 300) {
        const answer = errorAnswer(response);
        if (answer.status === 404) return this.missing(answer, key);
        throw answer;
      }
      return { etag: this.requireEtag(response, 'HEAD', key), size: Number(response.headers['content-length'] ?? 0) };
    });
  }

  async put(key: string, body: Uint8Array, condition: WriteCondition): Promise<WriteOutcome> {
    const headers: Record<string, string> =
      'ifMatch' in condition ? { 'if-match': condition.ifMatch } : { 'if-none-match': '*' };
    let response: S3HttpResponse;
    try {
      response = await this.http.send({ method: 'PUT', key: this.fullKey(key), headers, body });
    } catch (error) {
      return this.writeOutcome(error, 'PUT', key);
    }
    if (response.status >= 300) return this.writeOutcome(errorAnswer(response), 'PUT', key);
    return { kind: 'done', etag: this.requireEtag(response, 'PUT', key) };
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListedObject[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const listed: ListedObject[] = [];
    let startAfter = options.startAfter === undefined ? undefined : this.fullKey(options.startAfter);
    while (listed.length < limit) {
      const page = await this.read('LIST', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.fullKey(prefix),
            StartAfter: startAfter,
            MaxKeys: Math.min(LIST_PAGE_SIZE, limit - listed.length),
          }),
        ),
      );
      const contents = page.Contents ?? [];
      for (const object of contents) {
        if (object.Key === undefined) continue;
        this.checkListOrder(startAfter, object.Key, prefix);
        startAfter = object.Key;
        listed.push({ key: object.Key.slice(this.keyPrefixLength), size: object.Size ?? 0 });
      }
      if (!page.IsTruncated || contents.length === 0) break;
    }
    return listed.slice(0, limit);
  }

  async delete(key: string, options: { ifMatch?: string } = {}): Promise<DeleteOutcome> {
    const headers: Record<string, string> = options.ifMatch === undefined ? {} : { 'if-match': options.ifMatch };
    let response: S3HttpResponse;
    try {
      response = await this.http.send({ method: 'DELETE', key: this.fullKey(key), headers });
    } catch (error) {
      return this.writeOutcome(error, 'DELETE', key);
    }
    if (response.status >= 300) return this.writeOutcome(errorAnswer(response), 'DELETE', key);
    return { kind: 'done' };
  }

  async close(): Promise<void> {
    this.client.destroy();
    for (const agent of this.agents) agent.destroy();
  }

  private get keyPrefixLength(): number {
    return this.prefix === '' ? 0 : this.prefix.length + 1;
  }

  private fullKey(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  private async getOnce(key: string, range: ByteRange | undefined): Promise<GetResult | null | typeof PAST_THE_END> {
    const headers = range === undefined ? undefined : { range: rangeHeader(range) };
    const response = await this.http.send({ method: 'GET', key: this.fullKey(key), headers });
    if (response.status >= 300) {
      const answer = errorAnswer(response);
      if (answer.status === 404) return this.missing(answer, key);
      // S3 refuses a range that starts at or past the end (and any range of an empty object) with 416.
      if (answer.status === 416) return PAST_THE_END;
      throw answer;
    }
    // A view of the received bytes, not a copy; a plain Uint8Array, as every ObjectStore returns.
    const body = new Uint8Array(response.body.buffer, response.body.byteOffset, response.body.byteLength);
    const etag = this.requireEtag(response, 'GET', key);
    const totalSize = sizeFromContentRange(response.headers['content-range']);
    if (range === undefined || totalSize !== undefined) return { body, etag, size: totalSize ?? body.length };
    // The server ignored the Range header and sent the whole object: cut the range out here.
    const end = range.length === undefined ? undefined : range.offset + range.length;
    return { body: body.subarray(range.offset, end), etag, size: body.length };
  }

  /** A read of zero bytes: the object's etag and size, without a ranged GET that S3 would refuse. */
  private async emptyRead(key: string): Promise<GetResult | null> {
    const head = await this.head(key);
    return head === null ? null : { body: new Uint8Array(0), etag: head.etag, size: head.size };
  }

  /** Runs one read with retries; every failure leaves as a KlogError whose `retriable` drives the retry. */
  private read<T>(operation: string, key: string, attempt: () => Promise<T>): Promise<T> {
    return withRetries(async () => {
      try {
        return await attempt();
      } catch (error) {
        if (error instanceof KlogError) throw error;
        const failure = classifyFailure(error);
        if (failure.kind === 'unconfigured') throw this.unconfigured(failure, operation, key, error);
        if (failure.kind === 'answered' && !isTransientAnswer(failure)) {
          throw this.refusal(failure, operation, key, error);
        }
        throw this.unavailable(failure, operation, key, error, false);
      }
    }, this.readRetry);
  }

  /** A 404 on a read means "no such object", unless the bucket itself is missing. */
  private missing(answer: { code: string }, key: string): null {
    if (answer.code === 'NoSuchBucket') throw this.noSuchBucket(key);
    return null;
  }

  private writeOutcome(
    error: unknown,
    operation: 'PUT' | 'DELETE',
    key: string,
  ): Exclude<WriteOutcome, { kind: 'done' }> {
    // The store's own errors (an endpoint that needs an unsupported signing scheme) are decided already.
    if (error instanceof KlogError) throw error;
    const failure = classifyFailure(error);
    switch (failure.kind) {
      case 'unconfigured':
        throw this.unconfigured(failure, operation, key, error);
      case 'not-sent':
        return { kind: 'retriable', error: this.unavailable(failure, operation, key, error, false) };
      case 'maybe-sent':
        return { kind: 'ambiguous', error: this.unavailable(failure, operation, key, error, true) };
    }
    if (failure.status === 412) return { kind: 'precondition-failed' };
    // AWS answers 409 ConditionalRequestConflict (formerly OperationAborted) when another conditional write on
    // the key is in flight; either way this request was not applied and the key may still be absent.
    if (failure.status === 409) return { kind: 'conflict' };
    if (failure.status === 404) {
      if (failure.code === 'NoSuchBucket') throw this.noSuchBucket(key);
      return { kind: 'not-found' };
    }
    // A gateway timeout comes from a proxy that stopped waiting: the server behind it may have applied the write.
    if (failure.status === 504) {
      return { kind: 'ambiguous', error: this.unavailable(failure, operation, key, error, true) };
    }
    if (isTransientAnswer(failure)) {
      return { kind: 'retriable', error: this.unavailable(failure, operation, key, error, false) };
    }
    throw this.refusal(failure, operation, key, error);
  }

  private checkListOrder(previous: string | undefined, key: string, prefix: string): void {
    if (previous === undefined || compareKeys(previous, key) < 0) return;
    throw new KlogError(
      'STORE_UNSUPPORTED',
      `${this.description} listed "${key}" after "${previous}": klog needs keys listed in ascending byte order. ` +
        'Use a general-purpose S3 bucket (directory buckets list out of order) or an S3-compatible server that ' +
        'lists in order.',
      { context: { key: prefix, endpoint: this.endpointName, bucket: this.bucket } },
    );
  }

  private requireEtag(response: S3HttpResponse, operation: string, key: string): string {
    const etag = response.headers.etag;
    if (etag !== undefined && etag !== '') return etag;
    throw new KlogError(
      'STORE_UNSUPPORTED',
      `${this.description} answered ${operation} ${key} without an ETag; klog's conditional writes need one. ` +
        'Use an S3-compatible server that returns ETags.',
      { context: { key, endpoint: this.endpointName, bucket: this.bucket } },
    );
  }

  private unavailable(
    failure: S3Failure,
    operation: string,
    key: string,
    cause: unknown,
    mayHaveLanded: boolean,
  ): KlogError {
    const context = { key, endpoint: this.endpointName, bucket: this.bucket, operation };
    if (failure.kind === 'not-sent') {
      return new KlogError(
        'STORE_UNAVAILABLE',
        `Cannot reach the object store at ${this.endpointName} (${operation} ${key} on ${this.description}): ` +
          `${failure.message}. Check that the endpoint is running and that ${this.endpointSetting()} names it.`,
        { context, cause },
      );
    }
    const what =
      failure.kind === 'answered' ? `answered ${failure.status} ${failure.code}` : `failed (${failure.message})`;
    const effect = mayHaveLanded ? 'it may or may not have taken effect' : 'it had no effect; try again';
    return new KlogError('STORE_UNAVAILABLE', `${operation} ${key} on ${this.description} ${what}: ${effect}.`, {
      context: failure.kind === 'answered' ? { ...context, status: failure.status } : context,
      cause,
    });
  }

  /** A permanent refusal: access denied, an unsupported feature, or a request the server rejects. */
  private refusal(
    failure: S3Failure & { kind: 'answered' },
    operation: string,
    key: string,
    cause: unknown,
  ): KlogError {
    const context = { key, endpoint: this.endpointName, bucket: this.bucket, operation, status: failure.status };
    if (failure.status === 403) {
      return new KlogError(
        'STORE_ACCESS_DENIED',
        `Access denied (${failure.code}) for ${operation} ${key} on bucket "${this.bucket}" at ${this.endpointName}. ` +
          'Check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) and the IAM policy: ' +
          'klog needs s3:GetObject, s3:PutObject and s3:DeleteObject on its prefix and s3:ListBucket on the bucket ' +
          '(without s3:ListBucket, S3 answers 403 instead of 404 for a missing key).',
        { context, cause },
      );
    }
    return new KlogError(
      'STORE_UNSUPPORTED',
      `${operation} ${key} on ${this.description} was refused with ${failure.status} ${failure.code}: ` +
        `${failure.message}. klog needs S3's conditional writes (If-None-Match, If-Match) on a general-purpose ` +
        'bucket; check the endpoint, region and bucket.',
      { context, cause },
    );
  }

  private unconfigured(
    failure: S3Failure & { kind: 'unconfigured' },
    operation: string,
    key: string,
    cause: unknown,
  ): KlogError {
    const context = { key, endpoint: this.endpointName, bucket: this.bucket, operation };
    if (failure.missing === 'region') {
      return new KlogError(
        'INVALID_ARGUMENT',
        `No AWS region is configured for ${this.description}. Set AWS_REGION (or the store's region option).`,
        { context, cause },
      );
    }
    return new KlogError(
      'STORE_ACCESS_DENIED',
      `No AWS credentials were found for ${this.description} (${failure.message}). Set AWS_ACCESS_KEY_ID and ` +
        'AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run where an IAM role provides credentials.',
      { context, cause },
    );
  }

  private noSuchBucket(key: string): KlogError {
    return new KlogError(
      'STORE_UNAVAILABLE',
      `The bucket "${this.bucket}" does not exist at ${this.endpointName}. Create it, or point klog at an ` +
        `existing bucket (s3://<bucket>/<prefix>).`,
      { context: { key, endpoint: this.endpointName, bucket: this.bucket }, retriable: false },
    );
  }

  private endpointSetting(): string {
    return this.endpoint === undefined ? 'AWS_REGION' : 'the endpoint option or AWS_ENDPOINT_URL_S3';
  }
}

function rangeHeader(range: ByteRange): string {
  if (!Number.isSafeInteger(range.offset) || range.offset < 0) {
    throw new KlogError('INVALID_ARGUMENT', `A read range must start at a whole number >= 0, not ${range.offset}.`);
  }
  return range.length === undefined
    ? `bytes=${range.offset}-`
    : `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

/** Opens the store named by `s3://bucket/prefix`; the rest comes from `options` and the AWS environment. */
export function s3StoreFromUrl(
  url: string,
  options: Omit<S3ObjectStoreOptions, 'bucket' | 'prefix'> = {},
): S3ObjectStore {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  const bucket = match?.[1];
  if (bucket === undefined || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `"${url}" is not an S3 location. Write it as s3://<bucket>/<prefix>, with a bucket name of 3 to 63 lowercase ` +
        'letters, digits, dots and hyphens.',
      { context: { url } },
    );
  }
  return new S3ObjectStore({ ...options, bucket, prefix: match?.[2] ?? '' });
}
