import { describe, expect, it } from 'vitest';
import { encodeProduceBody } from '../../../sdk/backend/broker-records.js';
import { BATCH_CONTENT_TYPE, brokerPaths } from '../../../sdk/backend/broker-wire.js';
import type { PartitionRef } from '../../../sdk/store/keys.js';
import { brokerOnMemory, segmentKeys } from '../../helpers/router-calls.js';

const headers = { 'content-type': BATCH_CONTENT_TYPE };

function batch(producerId: bigint, baseSequence: number, values: string[]) {
  return encodeProduceBody({
    records: values.map((value) => ({ key: null, value: Buffer.from(value), headers: [], timestamp: 1 })),
    producerId,
    baseSequence,
  });
}

async function setUp() {
  const under = brokerOnMemory({ limits: { groupCommitLingerMs: 20 } });
  const created = await under.call('POST', '/v1/topics', { body: { name: 'orders' } });
  const ref: PartitionRef = { topic: 'orders', topicId: created.json.topicId, partition: 0 };
  return { ...under, ref };
}

describe('group commit', () => {
  it('writes concurrent produce requests as fewer segments, each acknowledged with its own offsets', async () => {
    const { call, ref, store } = await setUp();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call('POST', brokerPaths.produce(ref), { body: batch(BigInt(i + 1), 0, [`a${i}`, `b${i}`]), headers }),
      ),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const segments = await segmentKeys(store, 'orders');
    expect(segments.length).toBeLessThan(12);
    // Every request has its own two offsets, and together they cover 0..23 once.
    const offsets = answers.flatMap((answer) => [BigInt(answer.json.baseOffset), BigInt(answer.json.lastOffset)]);
    for (const answer of answers) expect(BigInt(answer.json.lastOffset) - BigInt(answer.json.baseOffset)).toBe(1n);
    expect(new Set(offsets.map(String)).size).toBe(24);
    expect(offsets.sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: 24 }, (_, i) => BigInt(i)));
    // The records are where the answers say.
    const fetched = await call('GET', brokerPaths.fetch(ref, { offset: 0n, maxBytes: 1_000_000 }));
    const byOffset = new Map(fetched.json.records.map((r: { offset: string; value: string }) => [r.offset, r.value]));
    for (const [i, answer] of answers.entries()) expect(byOffset.get(answer.json.baseOffset)).toBe(`a${i}`);
  });

  it('answers a duplicate in the same group with the stored offsets, once stored', async () => {
    const { call, ref, store } = await setUp();
    const body = batch(5n, 0, ['x']);
    const [first, second, other] = await Promise.all([
      call('POST', brokerPaths.produce(ref), { body, headers }),
      call('POST', brokerPaths.produce(ref), { body, headers }),
      call('POST', brokerPaths.produce(ref), { body: batch(6n, 0, ['y']), headers }),
    ]);
    expect(first?.json).toMatchObject({ duplicate: false });
    expect(second?.json).toEqual({ ...first?.json, duplicate: true });
    expect(other?.status).toBe(200);
    const latest = await call('GET', brokerPaths.latestOffset(ref));
    expect(latest.json.offset).toBe('2');
    // The first group holds x and y; the duplicate waits for the next group, where it is found stored.
    expect((await segmentKeys(store, 'orders')).length).toBe(1);
  });

  it('fails a batch with a sequence gap alone, without the others of its group', async () => {
    const { call, ref } = await setUp();
    await call('POST', brokerPaths.produce(ref), { body: batch(9n, 0, ['first']), headers });
    const [gap, fine] = await Promise.all([
      call('POST', brokerPaths.produce(ref), { body: batch(9n, 5, ['gap']), headers }),
      call('POST', brokerPaths.produce(ref), { body: batch(10n, 0, ['fine']), headers }),
    ]);
    expect(gap?.status).toBe(409);
    expect(gap?.json.error.code).toBe('OUT_OF_ORDER_SEQUENCE');
    expect(fine?.json).toEqual({ baseOffset: '1', lastOffset: '1', duplicate: false });
  });

  it('keeps a segment within groupCommitMaxBytes', async () => {
    const under = brokerOnMemory({ limits: { groupCommitLingerMs: 20, groupCommitMaxBytes: 1 } });
    const created = await under.call('POST', '/v1/topics', { body: { name: 'orders' } });
    const ref = { topic: 'orders', topicId: created.json.topicId, partition: 0 };
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        under.call('POST', brokerPaths.produce(ref), { body: batch(BigInt(i + 1), 0, ['v']), headers }),
      ),
    );
    expect(await segmentKeys(under.store, 'orders')).toHaveLength(4);
  });
});
