/**
 * A broker in the test process: the broker's router (broker-lambda/router.ts) on a DirectBackend over the given
 * store, on 127.0.0.1 and a free port, so the remote backend is tested over real HTTP. Without faults it is the
 * broker's own Node adapter (`klog broker start`'s server). With `fault`, a plain server of this file calls the
 * router instead, so that a test can put a fault in front of it (a 503, a lost answer) for chosen requests.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startNodeBroker } from '../../broker-lambda/node-adapter.js';
import { RequestLog } from '../../broker-lambda/request-log.js';
import { Broker } from '../../broker-lambda/router.js';
import { DirectBackend } from '../../sdk/backend/direct-backend.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';

/** What to do with one request before the router sees it: `pass`, answer it with a status, or cut the connection. */
export type Fault = 'pass' | { status: number } | 'drop-before' | 'drop-after';

export interface TestBroker {
  url: string;
  /** Requests the broker received, as `METHOD path` (no query string). */
  requests: string[];
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  token?: string;
  /** Consulted for each request; default: every request passes. */
  fault?: (method: string, path: string) => Fault;
}

export async function startTestBroker(store: ObjectStore, options: TestBrokerOptions = {}): Promise<TestBroker> {
  const broker = new Broker({ backend: new DirectBackend(store), token: options.token, log: new RequestLog('none') });
  const requests: string[] = [];
  if (options.fault === undefined) {
    const running = await startNodeBroker(broker, { port: 0, host: '127.0.0.1' });
    // Closing the broker closes its store: tests close their brokers last.
    return { url: running.url, requests, close: () => running.close() };
  }

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer) => {
    const url = new URL(incoming.url ?? '/', 'http://broker');
    requests.push(`${incoming.method} ${url.pathname}`);
    const fault = options.fault?.(incoming.method ?? 'GET', url.pathname);
    if (fault === 'drop-before') {
      incoming.socket.destroy();
      return;
    }
    if (typeof fault === 'object') {
      outgoing.writeHead(fault.status, { 'content-type': 'text/plain' });
      outgoing.end('injected fault');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    const response = await broker.handle({
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      body,
      requestId: randomUUID(),
    });
    if (fault === 'drop-after') {
      incoming.socket.destroy();
      return;
    }
    outgoing.writeHead(response.status, response.headers);
    outgoing.end(response.body);
  };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => void handle(incoming, outgoing, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      // Not broker.close(), which would close the store: the test owns it.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
