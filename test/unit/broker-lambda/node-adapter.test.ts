import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startNodeBroker } from '../../../broker-lambda/node-adapter.js';
import { RequestLog } from '../../../broker-lambda/request-log.js';
import { Broker } from '../../../broker-lambda/router.js';
import { DirectBackend } from '../../../sdk/backend/direct-backend.js';
import { MemoryObjectStore } from '../../../sdk/store/memory-object-store.js';

async function start(maxRequestBytes = 1024) {
  const store = new MemoryObjectStore();
  const broker = new Broker({
    backend: new DirectBackend(store),
    log: new RequestLog('none'),
    limits: { maxRequestBytes },
  });
  return { store, running: await startNodeBroker(broker, { port: 0, host: '127.0.0.1' }) };
}

/** Sends a body in chunks without a content-length, as a streaming client does. */
function postChunked(url: string, chunks: number, chunkBytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (let i = 0; i < chunks; i++) req.write(Buffer.alloc(chunkBytes, 0x61));
    req.end();
  });
}

describe('node adapter', () => {
  it('answers 413 from content-length and from a streamed body, without storing anything', async () => {
    const { store, running } = await start(1024);
    try {
      const declared = await fetch(`${running.url}/v1/topics`, { method: 'POST', body: 'x'.repeat(5000) });
      expect(declared.status).toBe(413);
      expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('REQUEST_TOO_LARGE');
      const streamed = await postChunked(`${running.url}/v1/topics`, 10, 512);
      expect(streamed.status).toBe(413);
      expect(JSON.parse(streamed.body).error.code).toBe('REQUEST_TOO_LARGE');
      expect(await store.list('')).toEqual([]);
    } finally {
      await running.close();
    }
  });

  it('ends a long-poll in flight when it stops, answering it first', async () => {
    const { running } = await start();
    await fetch(`${running.url}/v1/topics`, { method: 'POST', body: '{"name":"t"}' });
    const polling = fetch(`${running.url}/v1/topics/t/partitions/0/records?offset=0&waitMs=20000`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = running.close();
    const answer = await polling;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { records: unknown[] }).records).toEqual([]);
    await closed;
  });
});
