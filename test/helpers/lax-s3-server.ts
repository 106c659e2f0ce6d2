/**
 * A tiny fake S3 endpoint that ignores `If-None-Match` and `If-Match`: every PUT overwrites. It stands for the
 * S3-compatible servers (s3rver, early versitygw) that klog must refuse, and lets tests show that the
 * conditional-write probe catches them. Path-style requests only (`/<bucket>/<key>`); no authentication.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LaxS3Server {
  endpoint: string;
  close(): Promise<void>;
}

const NO_SUCH_KEY = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>';

export async function startLaxS3Server(): Promise<LaxS3Server> {
  const objects = new Map<string, Buffer>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => answer(objects, request, response, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(objects: Map<string, Buffer>, request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://lax').pathname);
  const stored = objects.get(path);
  switch (request.method) {
    case 'PUT':
      objects.set(path, body);
      response.writeHead(200, { ETag: etagOf(body) }).end();
      return;
    case 'GET':
    case 'HEAD':
      if (stored === undefined) {
        response.writeHead(404, { 'Content-Type': 'application/xml' }).end(request.method === 'GET' ? NO_SUCH_KEY : '');
        return;
      }
      response.writeHead(200, { ETag: etagOf(stored), 'Content-Length': stored.length });
      response.end(request.method === 'GET' ? stored : undefined);
      return;
    case 'DELETE':
      objects.delete(path);
      response.writeHead(204).end();
      return;
    default:
      response.writeHead(405).end();
  }
}

/** S3's ETag of a single-part upload: the quoted MD5 of the content. */
function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}
