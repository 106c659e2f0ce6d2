/**
 * The broker as a Node HTTP server (`klog broker start`): translates node:http requests into BrokerRequests for
 * the router. It refuses a body over the limit from its content-length, or as soon as more bytes arrive than the
 * limit, without buffering it. Stopping closes the listener, lets in-flight requests finish (long-polls are told
 * to answer now), waits at most `shutdownGraceMs`, then releases the store.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KlogError } from '../sdk/errors.js';
import type { BrokerRequest, BrokerResponse } from './broker-http.js';
import { type Broker, tooLargeResponse } from './router.js';

export interface NodeBrokerOptions {
  port: number;
  host: string;
}

export interface RunningNodeBroker {
  /** The base URL, such as `http://127.0.0.1:9092`. */
  readonly url: string;
  readonly port: number;
  /** Stops taking requests, finishes the ones in flight and releases the store. */
  close(): Promise<void>;
}

export async function startNodeBroker(broker: Broker, options: NodeBrokerOptions): Promise<RunningNodeBroker> {
  const stopping = new AbortController();
  const server = createServer((req, res) => {
    void serve(broker, req, res, stopping.signal);
  });
  await listen(server, options);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => {
      closing ??= stop(broker, server, stopping);
      return closing;
    },
  };
}

function listen(server: Server, options: NodeBrokerOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      reject(
        new KlogError('INVALID_ARGUMENT', `Cannot listen on ${options.host}:${options.port}: ${error.message}.`, {
          cause: error,
          context: { host: options.host, port: options.port },
        }),
      );
    };
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

async function stop(broker: Broker, server: Server, stopping: AbortController): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  stopping.abort();
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, broker.limits.shutdownGraceMs);
  });
  await Promise.race([closed, grace]);
  clearTimeout(timer);
  await broker.close();
}

async function serve(broker: Broker, req: IncomingMessage, res: ServerResponse, stopping: AbortSignal) {
  const requestId = randomUUID();
  const limit = broker.limits.maxRequestBytes;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return send(res, tooLargeResponse(broker, { requestId }, declared), true);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        return send(res, tooLargeResponse(broker, { requestId }, size), true);
      }
      chunks.push(chunk);
    }
  } catch {
    // The caller went away while sending: nobody is left to answer.
    return;
  }
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const request: BrokerRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    path: queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart),
    query: new URLSearchParams(queryStart < 0 ? '' : rawUrl.slice(queryStart + 1)),
    headers: flatHeaders(req),
    body: Buffer.concat(chunks),
    requestId,
    signal: AbortSignal.any([gone.signal, stopping]),
  };
  const response = await broker.handle(request);
  // While stopping, no connection is kept for another request, so that the server closes as soon as it is idle.
  send(res, response, stopping.aborted);
}

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function send(res: ServerResponse, response: BrokerResponse, closeConnection: boolean): void {
  if (res.destroyed) return;
  const headers: Record<string, string | number> = { ...response.headers, 'content-length': response.body.length };
  if (closeConnection) headers.connection = 'close';
  res.writeHead(response.status, headers);
  res.end(response.body);
}
