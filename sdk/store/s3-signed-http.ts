/**
 * A minimal S3 HTTP client for the store's hot path: one SigV4-signed request on a keep-alive connection, and
 * the raw answer back. It exists because the stock `@aws-sdk/client-s3` costs about 1.3 ms of CPU per request in
 * its middleware stack, and over http it hashes every payload for the signature (about 5 ms per MiB here,
 * ../shared/notes/ecosystem.md): klog's producer would spend more CPU in the SDK than in encoding records.
 *
 * What it keeps from the SDK: the region, the credential chain (environment, profiles, SSO, instance and task
 * roles, refreshed and cached by the SDK's provider), the endpoint rules (see s3-target.ts) and the clock-skew
 * correction, all through the S3Client's resolved configuration. What it leaves out: retries (the store decides),
 * payload hashing (`x-amz-content-sha256: UNSIGNED-PAYLOAD`; klog's segments carry their own CRC-32C), response
 * parsing beyond status, headers and bytes, and streaming (klog's objects are at most a few MiB).
 *
 * Any HTTP answer resolves, whatever its status. A request that gets no complete answer rejects with an
 * S3TransportError that says whether the server may have received the request.
 */
import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { S3ClientResolvedConfig } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { keyPath, resolveS3Target, type S3Target } from './s3-target.js';

export interface S3SignedHttpOptions {
  bucket: string;
  /** The custom endpoint, or undefined for AWS S3. */
  endpoint: string | undefined;
  /** The S3Client's resolved configuration: region, credentials, endpoint rules and clock offset come from it. */
  config: S3ClientResolvedConfig;
  agents: { http: HttpAgent; https: HttpsAgent };
  /** Limit on the wait for the answer's headers, and then on each pause while its body arrives. */
  requestTimeoutMs: number;
  /** Limit on establishing a new connection (TCP, and TLS for https). */
  connectTimeoutMs: number;
}

export interface S3HttpRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE';
  /** The object key inside the bucket, unencoded. */
  key: string;
  /** Extra headers with lower-case names, such as `if-none-match` or `range`. They are signed too. */
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface S3HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request that got no complete answer: refused, reset, timed out, or cut off mid-answer. */
export class S3TransportError extends Error {
  override readonly name = 'S3TransportError';

  constructor(
    message: string,
    /** False only when the connection was never established, so the server cannot have seen the request. */
    readonly mayHaveReachedServer: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The SDK's threshold for correcting the clock: S3 refuses signatures more than 15 minutes off. */
const CLOCK_SKEW_THRESHOLD_MS = 5 * 60 * 1000;

const EMPTY = Buffer.alloc(0);

interface Signing {
  target: S3Target;
  signer: SignatureV4;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's happy-eyeballs connect reports one AggregateError, with an empty message, for all addresses tried.
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map(describe).join('; ') || error.name;
  }
  return error.message || (error as { code?: string }).code || error.name;
}

export class S3SignedHttp {
  private readonly options: S3SignedHttpOptions;
  private signing: Promise<Signing> | undefined;

  constructor(options: S3SignedHttpOptions) {
    this.options = options;
  }

  async send(request: S3HttpRequest): Promise<S3HttpResponse> {
    const { target, signer } = await this.resolveSigning();
    const path = keyPath(target, request.key);
    const headers: Record<string, string> = {
      ...request.headers,
      host: target.host,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    };
    if (request.body !== undefined) headers['content-length'] = String(request.body.byteLength);
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path,
        query: {},
        headers,
      },
      { signingDate: new Date(Date.now() + this.options.config.systemClockOffset) },
    );
    const response = await this.exchange(target, request.method, path, signed.headers, request.body);
    if (response.status >= 400) this.correctClock(response.headers.date);
    return response;
  }

  /** Resolves the target and builds its signer once; a failure (such as a missing region) is not cached. */
  private resolveSigning(): Promise<Signing> {
    if (this.signing === undefined) {
      const { config, bucket, endpoint } = this.options;
      this.signing = resolveS3Target(config, bucket, endpoint).then(
        (target) => ({
          target,
          signer: new SignatureV4({
            service: target.signingName,
            region: target.signingRegion,
            credentials: config.credentials,
            sha256: Hash.bind(null, 'sha256'),
            // The path is escaped once, by keyPath: S3 does not want the second round other services use.
            uriEscapePath: false,
          }),
        }),
        (error: unknown) => {
          this.signing = undefined;
          throw error;
        },
      );
    }
    return this.signing;
  }

  /**
   * Adopts the server's clock when an error answer shows ours is off by more than the SDK tolerates, as the
   * SDK does: the failed request stays failed (S3 answers 403 RequestTimeTooSkewed), the next one is signed
   * with the server's time. The offset lives in the S3Client's configuration, so both clients share it.
   */
  private correctClock(date: string | undefined): void {
    if (date === undefined) return;
    const serverTime = Date.parse(date);
    if (Number.isNaN(serverTime)) return;
    const config = this.options.config;
    if (Math.abs(serverTime - (Date.now() + config.systemClockOffset)) >= CLOCK_SKEW_THRESHOLD_MS) {
      config.systemClockOffset = serverTime - Date.now();
    }
  }

  private exchange(
    target: S3Target,
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Uint8Array | undefined,
  ): Promise<S3HttpResponse> {
    const { agents, requestTimeoutMs, connectTimeoutMs } = this.options;
    const secure = target.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : httpRequest)({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method,
        path,
        headers,
        agent: secure ? agents.https : agents.http,
      });
      let connected = false;
      let answered = false;
      let settled = false;
      let connectTimer: NodeJS.Timeout | undefined;

      const fail = (message: string, cause?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(connectTimer);
        reject(new S3TransportError(message, connected, { cause }));
        outgoing.destroy();
      };
      // Runs until the answer's headers arrive, then restarts with every piece of its body: a stalled body
      // fails as surely as a server that never answers.
      const timer = setTimeout(() => fail(`no answer within ${requestTimeoutMs} ms`), requestTimeoutMs);

      outgoing.on('socket', (socket: Socket) => {
        if (outgoing.reusedSocket || !socket.connecting) {
          connected = true;
          return;
        }
        connectTimer = setTimeout(
          () => fail(`did not establish a connection within ${connectTimeoutMs} ms`),
          connectTimeoutMs,
        );
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          connected = true;
          clearTimeout(connectTimer);
        });
      });
      // Once the answer has begun, the response's own events decide: the server may already have said no
      // (an early 403 or 412) while the body was still going out.
      outgoing.on('error', (error) => {
        if (!answered) fail(describe(error), error);
      });
      outgoing.on('response', (response: IncomingMessage) => {
        answered = true;
        timer.refresh();
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          timer.refresh();
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const bytes = chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: bytes });
        });
        response.on('error', (error) => fail(`the answer was cut off (${describe(error)})`, error));
        response.on('close', () => {
          if (!response.complete) fail('the connection closed before the whole answer arrived');
        });
      });
      outgoing.end(body);
    });
  }
}
