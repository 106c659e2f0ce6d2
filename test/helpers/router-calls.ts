/** Calls into the broker's router in the test process, without HTTP: the request shapes the adapters build. */

import type { BrokerResponse } from '../../broker-lambda/broker-http.js';
import { RequestLog } from '../../broker-lambda/request-log.js';
import { Broker, type BrokerOptions } from '../../broker-lambda/router.js';
import { DirectBackend } from '../../sdk/backend/direct-backend.js';
import { MemoryObjectStore } from '../../sdk/store/memory-object-store.js';

export interface CallOptions {
  body?: string | Uint8Array | object;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field and assert on each
  json: any;
}

export interface BrokerUnderTest {
  broker: Broker;
  store: MemoryObjectStore;
  logLines: Record<string, unknown>[];
  call(method: string, pathAndQuery: string, options?: CallOptions): Promise<Answer>;
}

export function brokerOnMemory(options: Partial<Omit<BrokerOptions, 'backend' | 'log'>> = {}): BrokerUnderTest {
  const store = new MemoryObjectStore();
  const logLines: Record<string, unknown>[] = [];
  const log = new RequestLog('debug', (line) => logLines.push(JSON.parse(line)));
  const broker = new Broker({ ...options, backend: new DirectBackend(store), log });
  let counter = 0;
  return {
    broker,
    store,
    logLines,
    call: async (method, pathAndQuery, callOptions = {}) => {
      const [path = '', query = ''] = pathAndQuery.split('?');
      const headers: Record<string, string> = { ...callOptions.headers };
      let body: Uint8Array = new Uint8Array();
      if (typeof callOptions.body === 'string') body = Buffer.from(callOptions.body);
      else if (callOptions.body instanceof Uint8Array) body = callOptions.body;
      else if (callOptions.body !== undefined) {
        body = Buffer.from(JSON.stringify(callOptions.body));
        headers['content-type'] ??= 'application/json';
      }
      const response = await broker.handle({
        method,
        path,
        query: new URLSearchParams(query),
        headers,
        body,
        requestId: `test-${++counter}`,
      });
      return answer(response);
    },
  };
}

function answer(response: BrokerResponse): Answer {
  let json: unknown;
  if ((response.headers['content-type'] ?? '').startsWith('application/json')) {
    json = JSON.parse(Buffer.from(response.body).toString('utf8'));
  }
  return { status: response.status, headers: response.headers, body: response.body, json };
}

/** Keys of committed segments of one partition. */
export async function segmentKeys(store: MemoryObjectStore, topic: string): Promise<string[]> {
  return (await store.list(`topics/${topic}/`)).map((object) => object.key).filter((key) => key.includes('/log/'));
}
