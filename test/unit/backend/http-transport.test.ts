import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpBackend } from '../../../sdk/backend/http-backend.js';
import { parseBrokerUrls } from '../../../sdk/backend/http-transport.js';
import { isKlogError, type KlogError } from '../../../sdk/errors.js';
import type { PartitionRef } from '../../../sdk/store/keys.js';

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

const servers: Server[] = [];
const backends: HttpBackend[] = [];

afterEach(async () => {
  for (const backend of backends.splice(0)) await backend.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks), response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A URL on which nothing listens: a port that was free a moment ago. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function backend(url: string, options: ConstructorParameters<typeof HttpBackend>[1] = {}): HttpBackend {
  const created = new HttpBackend(url, { connectTimeoutMs: 2_000, requestTimeoutMs: 5_000, ...options }, {});
  backends.push(created);
  return created;
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

async function failure(promise: Promise<unknown>): Promise<KlogError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isKlogError(error)) throw new Error(`expected a KlogError, got ${String(error)}`);
  return error;
}

const ref: PartitionRef = { topic: 'orders', topicId: 'id-1', partition: 0 };
const batch = {
  records: [{ key: null, value: Buffer.from('v'), headers: [], timestamp: 1 }],
  producerId: 7n,
  baseSequence: 0,
};

describe('the remote backend over HTTP', () => {
  it('parses comma-separated broker URLs and refuses other schemes and embedded passwords', () => {
    expect(parseBrokerUrls('http://a:9092, https://b/prefix/').map((url) => url.href)).toEqual([
      'http://a:9092/',
      'https://b/prefix/',
    ]);
    expect(() => parseBrokerUrls('s3://bucket')).toThrow(/http:\/\/ or https:\/\//);
    const error = (() => {
      try {
        parseBrokerUrls('http://user:hunter2@a:9092');
      } catch (caught) {
        return caught as Error;
      }
      return null;
    })();
    expect(error?.message).toMatch(/brokerToken/);
    expect(error?.message).not.toContain('hunter2');
  });

  it('moves on to the next broker when a connection to the first cannot be made', async () => {
    const live = await serve((_request, _body, response) => json(response, 200, { topics: ['a'] }));
    const remote = backend(`${await deadUrl()},${live}`);
    expect(await remote.listTopics()).toEqual(['a']);
    expect(await remote.listTopics()).toEqual(['a']);
    expect(remote.description).toContain(live);
  });

  it("puts a broker URL's base path in front of every route", async () => {
    const paths: (string | undefined)[] = [];
    const url = await serve((request, _body, response) => {
      paths.push(request.url);
      json(response, 200, { topics: [] });
    });
    await backend(`${url}/stage/`).listTopics();
    expect(paths).toEqual(['/stage/v1/topics']);
  });

  it('reports BROKER_UNAVAILABLE, retriable, when no broker accepts a connection', async () => {
    const remote = backend(`${await deadUrl()},${await deadUrl()}`);
    const error = await failure(remote.listTopics());
    expect(error.code).toBe('BROKER_UNAVAILABLE');
    expect(error.retriable).toBe(true);
    expect(error.message).toMatch(/no broker .* accepted a connection/);
  });

  it('reports a produce whose answer was lost as UNKNOWN_OUTCOME, and a lost read as BROKER_UNAVAILABLE', async () => {
    const url = await serve((request) => request.socket.destroy());
    const remote = backend(url);
    const append = await failure(remote.append(ref, batch));
    expect(append).toMatchObject({ code: 'UNKNOWN_OUTCOME', retriable: true });
    const read = await failure(remote.openReader(ref).latestOffset());
    expect(read).toMatchObject({ code: 'BROKER_UNAVAILABLE', retriable: true });
  });

  it('sends an idempotent request again when a reused keep-alive connection was closed, and no other', async () => {
    // Each connection serves one request; the next request on it finds it closed, as after a server's idle timeout.
    const served = new WeakSet<object>();
    let connections = 0;
    const url = await serve((request, _body, response) => {
      if (served.has(request.socket)) {
        request.socket.destroy();
        return;
      }
      served.add(request.socket);
      connections++;
      if (request.method === 'PUT') json(response, 200, { outcome: 'done', etag: '"e1"' });
      else json(response, 200, { topics: ['a'] });
    });
    const remote = backend(url);
    expect(await remote.listTopics()).toEqual(['a']);
    expect(await remote.listTopics()).toEqual(['a']);
    expect(connections).toBe(2);
    // A conditional write is not repeated: its fate is unknown, as the store reports it.
    const outcome = await remote.groups.put('groups/g1/state.json', Buffer.from('{}'), { ifNoneMatch: '*' });
    expect(outcome.kind).toBe('ambiguous');
  });

  it("keeps the broker's error code, retriable flag and context", async () => {
    const url = await serve((_request, _body, response) =>
      json(response, 409, {
        error: {
          code: 'OUT_OF_ORDER_SEQUENCE',
          message: 'Batch sequence 5 of producer 7 skips 2 sequences on orders/0.',
          retriable: false,
          context: { topic: 'orders', partition: 0 },
        },
      }),
    );
    const error = await failure(backend(url).append(ref, batch));
    expect(error).toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE', retriable: false });
    expect(error.context).toMatchObject({ topic: 'orders', partition: 0, endpoint: url });
  });

  it('maps answers without a klog error body from their status: 401, 403 are final, 502 and 503 retriable', async () => {
    const statuses = [401, 403, 502, 503];
    const url = await serve((_request, _body, response) => {
      response.writeHead(statuses.shift() ?? 500);
      response.end('<html>gateway says no</html>');
    });
    const remote = backend(url);
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const error = await failure(remote.getTopic('a'));
      codes.push([error.code, error.retriable]);
    }
    expect(codes).toEqual([
      ['AUTH_REQUIRED', false],
      ['AUTH_FAILED', false],
      ['BROKER_UNAVAILABLE', true],
      ['BROKER_UNAVAILABLE', true],
    ]);
  });

  it('sends the bearer token, and never puts it in an error', async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((request, _body, response) => {
      seen.push(request.headers.authorization);
      json(response, 403, {
        error: { code: 'AUTH_FAILED', message: 'The bearer token is wrong.', retriable: false, context: {} },
      });
    });
    const error = await failure(backend(url, { brokerToken: 's3cr3t-token' }).listTopics());
    expect(seen).toEqual(['Bearer s3cr3t-token']);
    expect(error.code).toBe('AUTH_FAILED');
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.cause)}`).not.toContain('s3cr3t-token');
  });

  it('sends a produce as one binary batch with its producer id and sequence', async () => {
    let contentType: string | undefined;
    let received: Buffer = Buffer.alloc(0);
    const url = await serve((request, body, response) => {
      contentType = request.headers['content-type'];
      received = body;
      json(response, 200, { baseOffset: '41', lastOffset: '41', duplicate: true });
    });
    const result = await backend(url).append(ref, batch);
    expect(result).toEqual({ baseOffset: 41n, lastOffset: 41n, duplicate: true });
    expect(contentType).toBe('application/vnd.klog.batch');
    const { decodeProduceBody } = await import('../../../sdk/backend/broker-records.js');
    expect(decodeProduceBody(received)).toMatchObject({ producerId: 7n, baseSequence: 0 });
  });

  it('turns a group write answer into the store outcome, and a lost write into ambiguous', async () => {
    const answers = [
      (response: ServerResponse) => json(response, 412, { outcome: 'precondition-failed' }),
      (response: ServerResponse) => {
        response.setHeader('etag', '"v2"');
        json(response, 200, { outcome: 'done', etag: '"v2"' });
      },
      (response: ServerResponse) => response.socket?.destroy(),
    ];
    const url = await serve((_request, _body, response) => answers.shift()!(response));
    const groups = backend(url).groups;
    const key = 'groups/g1/state.json';
    expect(await groups.put(key, Buffer.from('{}'), { ifNoneMatch: '*' })).toEqual({ kind: 'precondition-failed' });
    expect(await groups.put(key, Buffer.from('{}'), { ifMatch: '"v1"' })).toEqual({ kind: 'done', etag: '"v2"' });
    expect((await groups.put(key, Buffer.from('{}'), { ifMatch: '"v2"' })).kind).toBe('ambiguous');
  });

  it('refuses exclusive writers, which need direct mode', async () => {
    const remote = backend(await deadUrl());
    const error = await failure(remote.takeOver(ref, { writerId: 1n, fencingId: 'f' }));
    expect(error.code).toBe('STORE_UNSUPPORTED');
    expect(error.message).toMatch(/direct mode/);
  });
});
