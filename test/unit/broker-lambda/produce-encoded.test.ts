import { describe, expect, it } from 'vitest';
import { encodeProduceBody } from '../../../sdk/backend/broker-records.js';
import { BATCH_CONTENT_TYPE, brokerPaths } from '../../../sdk/backend/broker-wire.js';
import { crc32c } from '../../../sdk/format/crc32c.js';
import { encodeBatch } from '../../../sdk/format/segment.js';
import { segmentsPrefix } from '../../../sdk/store/keys.js';
import { brokerOnMemory } from '../../helpers/router-calls.js';

const headers = { 'content-type': BATCH_CONTENT_TYPE };

function body(producerId: bigint, baseSequence: number, ...values: string[]): Uint8Array {
  const records = values.map((value, index) => ({
    key: null,
    value: Buffer.from(value),
    headers: [],
    timestamp: index,
  }));
  return encodeProduceBody({ records, producerId, baseSequence });
}

async function withTopic(groupCommit: boolean) {
  const under = brokerOnMemory({ groupCommit });
  const created = await under.call('POST', '/v1/topics', { body: { name: 'orders', partitions: 1 } });
  const ref = { topic: 'orders', topicId: created.json.topicId as string, partition: 0 };
  const segments = async () => (await under.store.list(segmentsPrefix(ref))).length;
  return { ...under, ref, segments };
}

describe.each([true, false])('binary produce bodies (group commit %s)', (groupCommit) => {
  it('stores the body’s batch byte for byte, and a retry of it once', async () => {
    const { call, ref, store } = await withTopic(groupCommit);
    const sent = body(5n, 0, 'a', 'b');
    expect((await call('POST', brokerPaths.produce(ref), { body: sent, headers })).json).toEqual({
      baseOffset: '0',
      lastOffset: '1',
      duplicate: false,
    });
    expect((await call('POST', brokerPaths.produce(ref), { body: sent, headers })).json.duplicate).toBe(true);
    const [segment] = await store.list(segmentsPrefix(ref));
    expect(Buffer.from((await store.get(segment!.key))!.body).indexOf(Buffer.from(sent))).toBeGreaterThan(0);
  });

  it('answers 400 and writes nothing for a batch whose CRC holds but whose records or writer epoch do not', async () => {
    const { call, ref, segments } = await withTopic(groupCommit);
    const resealed = Buffer.from(body(5n, 0, 'a'));
    // The record's offset delta (after its length and timestamp delta) becomes 1; the CRC is computed again.
    resealed.writeUInt8(2, 50);
    resealed.writeUInt32BE(crc32c(resealed.subarray(4)), 0);
    const malformed = await call('POST', brokerPaths.produce(ref), { body: resealed, headers });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe('INVALID_ARGUMENT');
    expect(malformed.json.error.message).toMatch(/not one klog batch.*wrong offset delta/);

    const stamped = encodeBatch([{ key: null, value: Buffer.from('a'), headers: [], timestamp: 1 }], {
      producerId: 5n,
      baseSequence: 0,
      writerEpoch: 4,
    }).bytes;
    const epoch = await call('POST', brokerPaths.produce(ref), { body: stamped, headers });
    expect(epoch.status).toBe(400);
    expect(epoch.json.error.message).toContain('writer epoch 4');
    expect(await segments()).toBe(0);
  });
});
