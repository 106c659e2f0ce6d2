import { describe, expect, it } from 'vitest';
import { decodeFetchBody, encodeProduceBody } from '../../../sdk/backend/broker-records.js';
import { BATCH_CONTENT_TYPE, brokerPaths } from '../../../sdk/backend/broker-wire.js';
import { brokerOnMemory, segmentKeys } from '../../helpers/router-calls.js';

const text = (value: string) => Buffer.from(value);

async function withTopic(partitions = 1) {
  const under = brokerOnMemory({ groupCommit: false });
  const created = await under.call('POST', '/v1/topics', { body: { name: 'orders', partitions } });
  expect(created.status).toBe(201);
  const ref = { topic: 'orders', topicId: created.json.topicId as string, partition: 0 };
  return { ...under, ref };
}

describe('broker router: topics', () => {
  it('creates, lists, describes, grows, reconfigures and deletes a topic', async () => {
    const { call } = await withTopic(2);
    expect((await call('GET', '/v1/topics')).json).toEqual({ topics: ['orders'] });
    const described = await call('GET', '/v1/topics/orders');
    expect(described.status).toBe(200);
    expect(described.json.partitions).toBe(2);
    expect((await call('POST', '/v1/topics/orders/partitions', { body: { partitions: 3 } })).json.partitions).toBe(3);
    const altered = await call('PATCH', '/v1/topics/orders/config', { body: { retentionMs: 60_000 } });
    expect(altered.json.config.retentionMs).toBe(60_000);
    expect((await call('DELETE', '/v1/topics/orders')).json).toEqual({ deleted: true });
    const missing = await call('GET', '/v1/topics/orders');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('TOPIC_NOT_FOUND');
  });

  it('answers 409 for a topic that exists and 400 for an unknown config entry', async () => {
    const { call } = await withTopic();
    const again = await call('POST', '/v1/topics', { body: { name: 'orders' } });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'TOPIC_ALREADY_EXISTS', retriable: false });
    const unknown = await call('PATCH', '/v1/topics/orders/config', { body: { retention: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('Unknown topic config "retention"');
  });
});

describe('broker router: produce and fetch', () => {
  it('produces JSON and fetches it back as JSON, with offsets as decimal strings', async () => {
    const { call } = await withTopic();
    const produced = await call('POST', '/v1/topics/orders/partitions/0/records', {
      body: { records: [{ key: 'k', value: 'one', headers: { h: 'v' } }, { value: 'two' }] },
    });
    expect(produced.status).toBe(200);
    expect(produced.json).toEqual({ baseOffset: '0', lastOffset: '1', duplicate: false });
    const fetched = await call('GET', '/v1/topics/orders/partitions/0/records?offset=0');
    expect(fetched.headers['klog-next-offset']).toBe('2');
    expect(fetched.json.records.map((r: { value: string }) => r.value)).toEqual(['one', 'two']);
    expect(fetched.json.records[0]).toMatchObject({ offset: '0', key: 'k', headers: [{ key: 'h', value: 'v' }] });
  });

  it('produces a binary batch idempotently and fetches binary frames', async () => {
    const { call, ref } = await withTopic();
    const body = encodeProduceBody({
      records: [
        { key: null, value: text('a'), headers: [], timestamp: 1 },
        { key: null, value: text('b'), headers: [], timestamp: 2 },
      ],
      producerId: 77n,
      baseSequence: 0,
    });
    const headers = { 'content-type': BATCH_CONTENT_TYPE };
    const first = await call('POST', brokerPaths.produce(ref), { body, headers });
    const retry = await call('POST', brokerPaths.produce(ref), { body, headers });
    expect(first.json).toEqual({ baseOffset: '0', lastOffset: '1', duplicate: false });
    expect(retry.json).toEqual({ baseOffset: '0', lastOffset: '1', duplicate: true });
    const fetched = await call('GET', brokerPaths.fetch(ref, { offset: 1n }), {
      headers: { accept: BATCH_CONTENT_TYPE },
    });
    expect(fetched.headers['content-type']).toBe(BATCH_CONTENT_TYPE);
    const records = decodeFetchBody(fetched.body);
    expect(records.map((r) => [r.offset, Buffer.from(r.value ?? []).toString()])).toEqual([[1n, 'b']]);
    expect(fetched.headers['klog-next-offset']).toBe('2');
  });

  it('long-polls until records arrive', async () => {
    const { call, ref } = await withTopic();
    const waiting = call('GET', brokerPaths.fetch(ref, { offset: 0n, waitMs: 5_000 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await call('POST', brokerPaths.produce(ref), { body: { records: [{ value: 'late' }] } });
    const fetched = await waiting;
    expect(fetched.json.records.map((r: { value: string }) => r.value)).toEqual(['late']);
  });

  it('answers an empty fetch at the end with the same next offset, and 416 past it', async () => {
    const { call, ref } = await withTopic();
    const empty = await call('GET', brokerPaths.fetch(ref, { offset: 0n }));
    expect(empty.json).toEqual({ records: [], nextOffset: '0', encoding: 'utf8' });
    const past = await call('GET', brokerPaths.fetch(ref, { offset: 5n }));
    expect(past.status).toBe(416);
    expect(past.json.error.code).toBe('OFFSET_OUT_OF_RANGE');
  });

  it('reads offsets and stats', async () => {
    const { call, ref } = await withTopic();
    await call('POST', brokerPaths.produce(ref), {
      body: {
        records: [
          { value: 'x', timestamp: 1000 },
          { value: 'y', timestamp: 2000 },
        ],
      },
    });
    expect((await call('GET', brokerPaths.earliestOffset(ref))).json).toEqual({ offset: '0' });
    expect((await call('GET', brokerPaths.latestOffset(ref))).json).toEqual({ offset: '2' });
    expect((await call('GET', brokerPaths.offsetForTimestamp(ref, 1500))).json).toEqual({ offset: '1' });
    expect((await call('GET', brokerPaths.offsetForTimestamp(ref, 9000))).json).toEqual({ offset: null });
    const stats = await call('GET', brokerPaths.partitionStats(ref));
    expect(stats.json).toMatchObject({
      partition: 0,
      earliestOffset: '0',
      latestOffset: '2',
      segments: 1,
      sealed: false,
    });
  });

  it('finds the topic id itself when the query has none, and 404s a partition the topic lacks', async () => {
    const { call } = await withTopic();
    expect((await call('GET', '/v1/topics/orders/partitions/0/offsets/latest')).json).toEqual({ offset: '0' });
    const missing = await call('GET', '/v1/topics/orders/partitions/3/offsets/latest');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('PARTITION_NOT_FOUND');
  });
});

describe('broker router: bad requests write nothing', () => {
  it('answers 400 naming the problem for malformed bodies and queries', async () => {
    const { call, ref, store } = await withTopic();
    const before = (await store.list('')).length;
    const cases: [string, string, Parameters<typeof call>[2], string][] = [
      [
        'POST',
        brokerPaths.produce(ref),
        { body: '{"records": [', headers: { 'content-type': 'application/json' } },
        'not valid JSON',
      ],
      ['POST', brokerPaths.produce(ref), { body: { records: [{ value: 5 }] } }, 'records[0].value must be a string'],
      ['POST', brokerPaths.produce(ref), { body: { records: [] } }, 'at least one record'],
      ['POST', brokerPaths.produce(ref), { body: { records: [{ value: 'a' }], encoding: 'hex' } }, '"encoding"'],
      [
        'POST',
        brokerPaths.produce(ref),
        { body: text('not a batch'), headers: { 'content-type': BATCH_CONTENT_TYPE } },
        'not one klog batch',
      ],
      ['POST', brokerPaths.produce(ref), { body: text('x'), headers: { 'content-type': 'image/png' } }, 'image/png'],
      ['GET', '/v1/topics/orders/partitions/0/records', {}, '"offset"'],
      ['GET', brokerPaths.fetch(ref, { offset: 0n, waitMs: 10_000_000 }), {}, '"waitMs"'],
      ['GET', '/v1/topics/orders/partitions/x/offsets/latest', {}, '"partition"'],
      ['GET', '/v1/topics/bad%20name', {}, 'topic'],
      ['PUT', '/v1/groups/g/state', { body: '{}' }, 'exactly one condition'],
    ];
    for (const [method, path, options, message] of cases) {
      const answer = await call(method, path, options);
      expect(answer.status, `${method} ${path}`).toBe(400);
      expect(answer.json.error.code).toMatch(/INVALID_ARGUMENT|INVALID_NAME/);
      expect(answer.json.error.message).toContain(message);
    }
    expect((await store.list('')).length).toBe(before);
  });

  it('answers 404 for an unknown route and 405 with Allow for a wrong method', async () => {
    const { call } = brokerOnMemory();
    const unknown = await call('GET', '/v2/topics');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('ROUTE_NOT_FOUND');
    const wrong = await call('PUT', '/v1/topics');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
    expect(wrong.json.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('answers 413 before parsing a body over the limit', async () => {
    const { call, store } = brokerOnMemory({ limits: { maxRequestBytes: 100 } });
    const answer = await call('POST', '/v1/topics', { body: { name: 'x'.repeat(200) } });
    expect(answer.status).toBe(413);
    expect(answer.json.error.code).toBe('REQUEST_TOO_LARGE');
    expect(answer.json.error.message).toContain('at most 100');
    expect(await store.list('')).toEqual([]);
  });

  it('needs the bearer token on every route but health: 401 without, 403 when wrong', async () => {
    const { call, store } = brokerOnMemory({ token: 's3cret' });
    expect((await call('GET', '/v1/health')).json).toEqual({ status: 'ok', api: 'v1' });
    const without = await call('POST', '/v1/topics', { body: { name: 'a' } });
    expect(without.status).toBe(401);
    expect(without.json.error.code).toBe('AUTH_REQUIRED');
    const wrong = await call('POST', '/v1/topics', { body: { name: 'a' }, headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('AUTH_FAILED');
    expect(JSON.stringify(wrong.json)).not.toContain('s3cret');
    expect(await store.list('')).toEqual([]);
    const right = await call('POST', '/v1/topics', {
      body: { name: 'a' },
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(right.status).toBe(201);
  });
});

describe('broker router: logs', () => {
  it('logs one line per request with route, status and sizes, and no payloads or tokens', async () => {
    const { call, logLines, ref } = await withTopic();
    await call('POST', brokerPaths.produce(ref), {
      body: { records: [{ value: 'secret-payload' }] },
      headers: { authorization: 'Bearer tok-123' },
    });
    const line = logLines.at(-1);
    expect(line).toMatchObject({
      level: 'info',
      method: 'POST',
      route: '/v1/topics/{topic}/partitions/{partition}/records',
      status: 200,
      topic: 'orders',
      partition: 0,
    });
    expect(typeof line?.durationMs).toBe('number');
    expect(typeof line?.requestId).toBe('string');
    expect(JSON.stringify(logLines)).not.toMatch(/secret-payload|tok-123/);
  });
});

describe('broker router: maintenance', () => {
  it('runs maintenance and reports offsets as strings', async () => {
    const { call } = await withTopic();
    const run = await call('POST', '/v1/maintenance/runs', { body: { topics: ['orders'] } });
    expect(run.status).toBe(200);
    expect(run.json.partitions).toEqual([
      expect.objectContaining({ topic: 'orders', partition: 0, logStartBefore: '0' }),
    ]);
  });
});

describe('broker router: segments', () => {
  it('writes one segment per request without group commit', async () => {
    const { call, ref, store } = await withTopic();
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call('POST', brokerPaths.produce(ref), { body: { records: [{ value: `${i}` }] } }),
      ),
    );
    expect(await segmentKeys(store, 'orders')).toHaveLength(5);
  });
});
