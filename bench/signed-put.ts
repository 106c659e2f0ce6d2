/**
 * The leanest S3 PUT (and GET) we know how to send: SigV4 headers from @smithy/signature-v4, the body sent as is
 * over node:http with a keep-alive agent, and `x-amz-content-sha256: UNSIGNED-PAYLOAD` so the body is never
 * hashed (SHA-256 costs about 5 ms per MiB on these machines, on the client and again on the server).
 *
 * Benchmarks use it as the floor for "what one PUT or GET costs this process"; it is not a general S3 client
 * (no retries, no error parsing, path-style http endpoints only).
 */
import { Agent, request } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SignedPutClientOptions {
  /** An http endpoint such as MinIO's, `http://127.0.0.1:9000`. */
  endpoint: string;
  region: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxSockets?: number;
}

export interface SignedPutResult {
  status: number;
  etag: string | undefined;
}

export interface SignedGetResult {
  status: number;
  body: Buffer;
}

/** Encodes one key as S3 expects it in a path: every byte but unreserved characters and `/`. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

export class SignedPutClient {
  private readonly url: URL;
  private readonly bucket: string;
  private readonly agent: Agent;
  private readonly signer: SignatureV4;

  constructor(options: SignedPutClientOptions) {
    this.url = new URL(options.endpoint);
    if (this.url.protocol !== 'http:') throw new Error(`SignedPutClient speaks http only, not ${options.endpoint}.`);
    this.bucket = options.bucket;
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
    // S3 signs the path as sent, without the second round of escaping other AWS services use.
    this.signer = new SignatureV4({
      service: 's3',
      region: options.region,
      credentials: options.credentials,
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
    });
  }

  private async signedHeaders(
    method: 'GET' | 'PUT',
    path: string,
    headers: Record<string, string>,
  ): Promise<Record<string, string>> {
    const signed = await this.signer.sign({
      method,
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: Number(this.url.port) || 80,
      path,
      query: {},
      headers: {
        ...headers,
        host: this.url.host,
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      },
    });
    return signed.headers;
  }

  /** PUTs `body` at `key` with the extra `headers` (such as `if-none-match: *`). Any HTTP status resolves. */
  async put(key: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<SignedPutResult> {
    const path = `/${this.bucket}/${encodeKey(key)}`;
    const signed = await this.signedHeaders('PUT', path, { ...headers, 'content-length': String(body.length) });
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method: 'PUT',
          path,
          headers: signed,
          agent: this.agent,
        },
        (response) => {
          // The body (empty, or an XML error) must be read for the connection to return to the pool.
          response.resume();
          response.on('end', () => {
            const etag = response.headers.etag;
            resolve({ status: response.statusCode ?? 0, etag: typeof etag === 'string' ? etag : undefined });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** GETs the object at `key` whole, body and all. Any HTTP status resolves. */
  async get(key: string): Promise<SignedGetResult> {
    const path = `/${this.bucket}/${encodeKey(key)}`;
    const signed = await this.signedHeaders('GET', path, {});
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { host: this.url.hostname, port: this.url.port, method: 'GET', path, headers: signed, agent: this.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
