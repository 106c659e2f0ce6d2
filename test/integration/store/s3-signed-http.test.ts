import { createServer, Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3SignedHttp, S3TransportError } from '../../../sdk/store/s3-signed-http.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface Harness {
  http: S3SignedHttp;
  received: Received[];
  connections: () => number;
}

/**
 * Runs `work` with an S3SignedHttp pointed (path-style) at a local server that records every request and
 * answers it with `reply`.
 */
async function withRecordingServer(
  reply: (request: IncomingMessage, response: ServerResponse) => void,
  work: (harness: Harness) => Promise<void>,
  options: { requestTimeoutMs?: number; sessionToken?: string } = {},
): Promise<void> {
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      reply(request, response);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new S3Client({
    region: 'eu-central-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: options.sessionToken },
  });
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const http = new S3SignedHttp({
    bucket: 'recorded',
    endpoint,
    config: client.config,
    agents,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    connectTimeoutMs: 5_000,
  });
  try {
    await work({ http, received, connections: () => connections });
  } finally {
    client.destroy();
    agents.http.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function answer(status: number, headers: Record<string, string> = {}, body = '') {
  return (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(status, { 'Content-Length': Buffer.byteLength(body), ...headers }).end(body);
  };
}

async function transportErrorFrom(promise: Promise<unknown>): Promise<S3TransportError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof S3TransportError)) throw new Error(`Expected an S3TransportError, got ${String(error)}`);
  return error;
}

/** The time in an `x-amz-date` header (`20260102T030405Z`), in milliseconds since the epoch. */
function signingTime(header: string | string[] | undefined): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(header));
  if (match === null) throw new Error(`Not an x-amz-date: ${String(header)}`);
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('S3SignedHttp', () => {
  it('sends a PUT signed for S3 with an unsigned payload, the body as is, and the extra headers', async () => {
    await withRecordingServer(answer(200, { ETag: '"e1"' }), async ({ http, received }) => {
      const body = new TextEncoder().encode('segment bytes');
      const response = await http.send({
        method: 'PUT',
        key: 'prefix/topics/t=1/log/00000000000000000007.seg',
        headers: { 'if-none-match': '*' },
        body,
      });
      expect(response.status).toBe(200);
      expect(response.headers.etag).toBe('"e1"');

      const [request] = received;
      expect(request?.method).toBe('PUT');
      expect(request?.url).toBe('/recorded/prefix/topics/t%3D1/log/00000000000000000007.seg');
      expect(request?.body.toString()).toBe('segment bytes');
      expect(request?.headers).toMatchObject({
        'content-length': String(body.length),
        'if-none-match': '*',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      });
      expect(request?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      const authorization = request?.headers.authorization ?? '';
      expect(authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/s3\/aws4_request, SignedHeaders=/,
      );
      for (const header of ['host', 'if-none-match', 'x-amz-content-sha256', 'x-amz-date']) {
        expect(authorization).toMatch(new RegExp(`SignedHeaders=[^,]*\\b${header}\\b`));
      }
    });
  });

  it('sends the session token of temporary credentials', async () => {
    await withRecordingServer(
      answer(200),
      async ({ http, received }) => {
        await http.send({ method: 'GET', key: 'k' });
        expect(received[0]?.headers['x-amz-security-token']).toBe('token-1');
      },
      { sessionToken: 'token-1' },
    );
  });

  it('returns any status with its headers and body, and reuses one connection for sequential requests', async () => {
    const notFound = '<Error><Code>NoSuchKey</Code></Error>';
    await withRecordingServer(
      answer(404, { 'Content-Type': 'application/xml' }, notFound),
      async ({ http, connections }) => {
        for (let i = 0; i < 5; i++) {
          const response = await http.send({ method: 'GET', key: `k${i}`, headers: { range: 'bytes=0-9' } });
          expect(response.status).toBe(404);
          expect(response.body.toString()).toBe(notFound);
        }
        expect(connections()).toBe(1);
      },
    );
  });

  it('signs with the server clock after an error answer shows the local clock is off', async () => {
    const serverTime = Date.now() + 2 * 60 * 60 * 1000;
    const skewed = '<Error><Code>RequestTimeTooSkewed</Code></Error>';
    await withRecordingServer(
      answer(403, { Date: new Date(serverTime).toUTCString() }, skewed),
      async ({ http, received }) => {
        await http.send({ method: 'GET', key: 'k' });
        await http.send({ method: 'GET', key: 'k' });
        const [first, second] = received.map((request) => signingTime(request.headers['x-amz-date']));
        expect(Math.abs((first ?? 0) - Date.now())).toBeLessThan(60_000);
        expect(Math.abs((second ?? 0) - serverTime)).toBeLessThan(60_000);
      },
    );
  });

  it('says a refused connection cannot have reached the server', async () => {
    const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const agents = { http: new HttpAgent(), https: new HttpsAgent() };
    const refused = new S3SignedHttp({
      bucket: 'b',
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      config: client.config,
      agents,
      requestTimeoutMs: 5_000,
      connectTimeoutMs: 5_000,
    });
    try {
      const error = await transportErrorFrom(refused.send({ method: 'PUT', key: 'k', body: new Uint8Array(1) }));
      expect(error.mayHaveReachedServer).toBe(false);
      expect(error.message).toContain('ECONNREFUSED');
    } finally {
      client.destroy();
      agents.http.destroy();
    }
  });

  it('says a reset after the request was sent may have reached the server', async () => {
    await withRecordingServer(
      (request) => request.socket.destroy(),
      async ({ http }) => {
        const error = await transportErrorFrom(http.send({ method: 'PUT', key: 'k', body: new Uint8Array(10) }));
        expect(error.mayHaveReachedServer).toBe(true);
      },
    );
  });

  it('fails a server that never answers, and one whose answer stalls halfway', async () => {
    await withRecordingServer(
      () => {},
      async ({ http }) => {
        const error = await transportErrorFrom(http.send({ method: 'PUT', key: 'k', body: new Uint8Array(10) }));
        expect(error.mayHaveReachedServer).toBe(true);
        expect(error.message).toContain('no answer within 200 ms');
      },
      { requestTimeoutMs: 200 },
    );
    await withRecordingServer(
      (_request, response) => {
        response.writeHead(200, { 'Content-Length': 100 });
        response.write('only part of the body');
      },
      async ({ http }) => {
        const error = await transportErrorFrom(http.send({ method: 'GET', key: 'k' }));
        expect(error.mayHaveReachedServer).toBe(true);
      },
      { requestTimeoutMs: 200 },
    );
  });

  it('fails an answer that is cut off before its whole body arrived', async () => {
    await withRecordingServer(
      (_request, response) => {
        response.writeHead(200, { 'Content-Length': 100 });
        response.write('only part of the body', () => response.socket?.destroy());
      },
      async ({ http }) => {
        const error = await transportErrorFrom(http.send({ method: 'GET', key: 'k' }));
        expect(error.mayHaveReachedServer).toBe(true);
      },
    );
  });
});
