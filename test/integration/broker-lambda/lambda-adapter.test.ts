import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLambdaHandler,
  type HttpEventV2,
  runScheduledMaintenance,
} from '../../../broker-lambda/lambda-adapter.js';
import { RequestLog } from '../../../broker-lambda/request-log.js';
import { decodeFetchBody } from '../../../sdk/backend/broker-records.js';
import { DirectBackend } from '../../../sdk/backend/direct-backend.js';
import { testS3Target } from '../../helpers/s3-test-store.js';

/** Real event shapes: an HTTP API v2 request on a named stage, and a function-URL request with AWS_IAM auth. */
function fixture(name: string): HttpEventV2 {
  return JSON.parse(readFileSync(new URL(`../../fixtures/broker-lambda/${name}`, import.meta.url), 'utf8'));
}

function httpApiEvent(method: string, path: string, body?: string, base64 = false): HttpEventV2 {
  const event = fixture('http-api-v2-post.json');
  event.rawPath = `/prod${path}`;
  event.requestContext.http.method = method;
  event.body = body === undefined ? undefined : base64 ? Buffer.from(body).toString('base64') : body;
  event.isBase64Encoded = base64;
  return event;
}

const quiet = new RequestLog('none');

describe('Lambda adapter on MinIO', () => {
  const target = testS3Target('broker-lambda');
  const handler = createLambdaHandler({ backend: new DirectBackend(target.store), log: quiet });

  it('serves HTTP API v2 events on a named stage: create a topic, produce JSON (plain and base64)', async () => {
    const created = await handler(httpApiEvent('POST', '/v1/topics', JSON.stringify({ name: 'orders' })));
    expect(created.statusCode).toBe(201);
    expect(created.isBase64Encoded).toBe(false);
    expect(created.headers['klog-request-id']).toBe('JKJaXmPLvHcESHA=');

    const plain = fixture('http-api-v2-post.json');
    plain.body = JSON.stringify({ records: [{ key: 'k', value: 'first' }] });
    const produced = await handler(plain);
    expect(produced.statusCode).toBe(200);
    expect(JSON.parse(produced.body)).toEqual({ baseOffset: '0', lastOffset: '0', duplicate: false });

    const encoded = httpApiEvent(
      'POST',
      '/v1/topics/orders/partitions/0/records',
      JSON.stringify({ records: [{ value: 'second' }] }),
      true,
    );
    expect(JSON.parse((await handler(encoded)).body)).toMatchObject({ baseOffset: '1' });
  });

  it('serves function-URL events: a binary fetch answered base64', async () => {
    const answer = await handler(fixture('function-url-get.json'), { getRemainingTimeInMillis: () => 30_000 });
    expect(answer.statusCode).toBe(200);
    expect(answer.isBase64Encoded).toBe(true);
    expect(answer.headers['klog-next-offset']).toBe('2');
    const records = decodeFetchBody(Buffer.from(answer.body, 'base64'));
    expect(records.map((record) => Buffer.from(record.value ?? []).toString())).toEqual(['first', 'second']);
  });

  it('answers 413, 404 and 400 with klog error bodies and writes nothing', async () => {
    const small = createLambdaHandler({
      backend: new DirectBackend(target.store),
      log: quiet,
      limits: { maxRequestBytes: 64 },
    });
    const big = httpApiEvent(
      'POST',
      '/v1/topics/orders/partitions/0/records',
      JSON.stringify({ records: [{ value: 'x'.repeat(200) }] }),
      true,
    );
    const tooLarge = await small(big);
    expect(tooLarge.statusCode).toBe(413);
    expect(JSON.parse(tooLarge.body).error.code).toBe('REQUEST_TOO_LARGE');
    const unknown = await handler(httpApiEvent('GET', '/v1/nothing'));
    expect(unknown.statusCode).toBe(404);
    const malformed = await handler(httpApiEvent('POST', '/v1/topics/orders/partitions/0/records', '{"records":'));
    expect(malformed.statusCode).toBe(400);
    const latest = await handler(httpApiEvent('GET', '/v1/topics/orders/partitions/0/offsets/latest'));
    expect(JSON.parse(latest.body)).toEqual({ offset: '2' });
  });
});

describe('Lambda adapter with the store from KLOG_URL', () => {
  const target = testS3Target('broker-lambda-env');
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    for (const [name, value] of Object.entries(target.env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });

  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('opens KLOG_URL on the first invocation and runs the scheduled maintenance', async () => {
    const env = { KLOG_URL: target.url, KLOG_BROKER_TOKEN: 'tok' };
    const handler = createLambdaHandler({ env, log: quiet });
    const denied = await handler(httpApiEvent('POST', '/v1/topics', JSON.stringify({ name: 'audit' })));
    expect(denied.statusCode).toBe(401);
    const event = httpApiEvent('POST', '/v1/topics', JSON.stringify({ name: 'audit' }));
    event.headers = { ...event.headers, authorization: 'Bearer tok' };
    expect((await handler(event)).statusCode).toBe(201);

    const lines: string[] = [];
    const summary = await runScheduledMaintenance(
      { source: 'aws.events' },
      { env, log: new RequestLog('info', (line) => lines.push(line)) },
    );
    expect(summary).toEqual({ partitions: 1, changed: 0, deletedSegments: 0 });
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'info', message: 'maintenance run', partitions: 1 });
  });

  it('answers 500 with a message when KLOG_URL is missing', async () => {
    const handler = createLambdaHandler({ env: {}, log: quiet });
    const answer = await handler(httpApiEvent('GET', '/v1/topics'));
    expect(answer.statusCode).toBe(500);
    expect(JSON.parse(answer.body).error.message).toContain('KLOG_URL');
  });
});
