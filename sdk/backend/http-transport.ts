/**
 * The remote backend's HTTP client: one request to a broker on a keep-alive connection, and the raw answer back.
 *
 * A broker URL may list several brokers separated by commas (`http://a:9092,http://b:9092`). Requests go to the
 * current broker; when a connection to it cannot be established (refused, unreachable, connect timeout), the
 * request goes to the next one at once, which then becomes the current broker. Brokers are stateless, so any of
 * them can serve any request. An error after the connection was established is never sent elsewhere here: the
 * broker may have acted on the request, and only the caller knows whether repeating it is safe.
 *
 * One exception, as Node's documentation recommends: a keep-alive connection that the server closed while it was
 * idle fails the next request on it with a reset before any answer. Requests marked `idempotent` are sent once
 * more on a new connection then; others report that the broker may have received them.
 *
 * Any HTTP answer resolves, whatever its status. A request that gets no complete answer rejects with a
 * BrokerTransportError that says whether the broker may have received it.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { KlogError } from '../errors.js';
import type { BrokerAuth } from './broker-auth.js';

export interface TransportRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path after the broker URL's own path, with its query string: `/v1/topics/a?partition=0`. */
  path: string;
  /** Headers with lower-case names. */
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Time the broker may hold the request before answering (a long-poll); added to the request timeout. */
  holdMs?: number;
  /** Repeating the request has no other effect than the first time: it may be resent after a stale connection. */
  idempotent?: boolean;
}

export interface TransportResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The origin of the broker that answered. */
  broker: string;
}

/** One broker: its base URL, and its auth (each URL may be a function URL of its own region). */
export interface BrokerEndpoint {
  url: URL;
  auth: BrokerAuth;
}

export interface HttpTransportOptions {
  /** The brokers, in order of preference: base URL and how to authorize requests to it. */
  brokers: readonly BrokerEndpoint[];
  /** Limit on the wait for the answer's headers (plus any `holdMs`), and then on each pause in its body. */
  requestTimeoutMs: number;
  /** Limit on establishing a new connection (TCP, and TLS for https). */
  connectTimeoutMs: number;
  maxSockets: number;
  /** Sent as `user-agent`. */
  userAgent: string;
}

/** A request that got no complete answer: refused, reset, timed out, or cut off mid-answer. */
export class BrokerTransportError extends Error {
  override readonly name = 'BrokerTransportError';
  /** A reused keep-alive connection was reset before any answer: the broker most likely closed it while idle. */
  readonly staleConnection: boolean;

  constructor(
    message: string,
    /** False only when no connection was established, so the broker cannot have seen the request. */
    readonly mayHaveReachedServer: boolean,
    /** The origin of the broker it was sent to. */
    readonly broker: string,
    options?: { cause?: unknown; staleConnection?: boolean },
  ) {
    super(message, options);
    this.staleConnection = options?.staleConnection ?? false;
  }
}

/**
 * Idle keep-alive connections are closed after this long, below Node servers' default keepAliveTimeout (5 s), so
 * the client, not the server, usually closes an idle connection and requests rarely meet a stale one.
 */
const IDLE_SOCKET_MS = 4_000;

const EMPTY = Buffer.alloc(0);

/** Parses `http://a:9092,http://b:9092` into base URLs. */
export function parseBrokerUrls(url: string): URL[] {
  const parts = url
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) {
    throw new KlogError('INVALID_ARGUMENT', `The broker URL "${url}" names no broker.`, { context: { url } });
  }
  return parts.map((part) => {
    let parsed: URL;
    try {
      parsed = new URL(part);
    } catch (error) {
      throw new KlogError('INVALID_ARGUMENT', `"${part}" is not a broker URL; use http(s)://host[:port][/path].`, {
        context: { url: part },
        cause: error,
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `The broker URL "${part}" must start with http:// or https://; list several brokers with commas.`,
        { context: { url: part } },
      );
    }
    if (parsed.username !== '' || parsed.password !== '') {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `The broker URL ${parsed.origin} carries a user name or password; pass a token with brokerToken or KLOG_BROKER_TOKEN instead.`,
        { context: { url: parsed.origin } },
      );
    }
    parsed.search = '';
    parsed.hash = '';
    return parsed;
  });
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's happy-eyeballs connect reports one AggregateError, with an empty message, for all addresses tried.
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map(describe).join('; ') || error.name;
  }
  return error.message || (error as { code?: string }).code || error.name;
}

export class HttpTransport {
  private readonly options: HttpTransportOptions;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  private current = 0;

  constructor(options: HttpTransportOptions) {
    if (options.brokers.length === 0) throw new KlogError('INVALID_ARGUMENT', 'No broker URL was given.');
    this.options = options;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, timeout: IDLE_SOCKET_MS };
    this.agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  }

  /** The brokers' origins, in order of preference. */
  get brokers(): string[] {
    return this.options.brokers.map((broker) => broker.url.origin);
  }

  /** The origin of the broker requests go to now. */
  get broker(): string {
    return this.options.brokers[this.current]!.url.origin;
  }

  /** Sends the request to the current broker, moving on to the next ones while connections cannot be made. */
  async send(request: TransportRequest): Promise<TransportResponse> {
    const brokers = this.options.brokers;
    let lastError: BrokerTransportError | undefined;
    for (let tried = 0, index = this.current; tried < brokers.length; tried++, index = (index + 1) % brokers.length) {
      try {
        return await this.sendTo(brokers[index]!, request);
      } catch (error) {
        if (!(error instanceof BrokerTransportError) || error.mayHaveReachedServer) throw error;
        lastError = error;
        // Another request may have moved on already; only move past the broker that failed.
        if (this.current === index) this.current = (index + 1) % brokers.length;
      }
    }
    throw lastError!;
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async sendTo(broker: BrokerEndpoint, request: TransportRequest): Promise<TransportResponse> {
    try {
      return await this.exchange(broker, request);
    } catch (error) {
      if (error instanceof BrokerTransportError && error.staleConnection && request.idempotent === true) {
        return this.exchange(broker, request);
      }
      throw error;
    }
  }

  private async exchange({ url: base, auth }: BrokerEndpoint, request: TransportRequest): Promise<TransportResponse> {
    // A base path (an API Gateway stage, a reverse proxy's prefix) goes in front of every route's path.
    const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${request.path}`);
    const headers: Record<string, string> = {
      ...request.headers,
      host: url.host,
      'user-agent': this.options.userAgent,
    };
    if (request.body !== undefined) headers['content-length'] = String(request.body.byteLength);
    const signed = await auth.authorize({ method: request.method, url, headers, body: request.body });
    const response = await this.exchangeOnce(url, request, signed);
    if (response.status === 401 || response.status === 403) auth.observeServerDate(response.headers.date);
    return response;
  }

  private exchangeOnce(
    url: URL,
    request: TransportRequest,
    headers: Record<string, string>,
  ): Promise<TransportResponse> {
    const { requestTimeoutMs, connectTimeoutMs } = this.options;
    const secure = url.protocol === 'https:';
    const broker = url.origin;
    const answerTimeoutMs = requestTimeoutMs + (request.holdMs ?? 0);
    return new Promise((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : httpRequest)(url, {
        method: request.method,
        headers,
        agent: secure ? this.agents.https : this.agents.http,
      });
      let connected = false;
      let reused = false;
      let answered = false;
      let settled = false;
      let connectTimer: NodeJS.Timeout | undefined;

      const fail = (message: string, cause?: unknown, staleConnection = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(connectTimer);
        reject(new BrokerTransportError(message, connected, broker, { cause, staleConnection }));
        outgoing.destroy();
      };
      // Runs until the answer's headers arrive, then restarts with every piece of its body.
      const timer = setTimeout(() => fail(`no answer from ${broker} within ${answerTimeoutMs} ms`), answerTimeoutMs);

      outgoing.on('socket', (socket: Socket) => {
        if (outgoing.reusedSocket || !socket.connecting) {
          connected = true;
          reused = outgoing.reusedSocket;
          return;
        }
        connectTimer = setTimeout(
          () => fail(`could not connect to ${broker} within ${connectTimeoutMs} ms`),
          connectTimeoutMs,
        );
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          connected = true;
          clearTimeout(connectTimer);
        });
      });
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        if (answered) return;
        const stale = reused && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        fail(`the request to ${broker} failed: ${describe(error)}`, error, stale);
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
          const body = chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, broker });
        });
        response.on('error', (error) => fail(`the answer from ${broker} was cut off (${describe(error)})`, error));
        response.on('close', () => {
          if (!response.complete) fail(`the connection to ${broker} closed before the whole answer arrived`);
        });
      });
      outgoing.end(request.body);
    });
  }
}
