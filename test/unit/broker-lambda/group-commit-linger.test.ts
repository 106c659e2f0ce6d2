import { describe, expect, it } from 'vitest';
import { encodeProduceBody } from '../../../sdk/backend/broker-records.js';
import { BATCH_CONTENT_TYPE, brokerPaths } from '../../../sdk/backend/broker-wire.js';
import { brokerDefaults } from '../../../sdk/config.js';
import type { PartitionRef } from '../../../sdk/store/keys.js';
import { brokerOnMemory, segmentKeys } from '../../helpers/router-calls.js';

const headers = { 'content-type': BATCH_CONTENT_TYPE };

function batch(producerId: bigint, value: string) {
  return encodeProduceBody({
    records: [{ key: null, value: Buffer.from(value), headers: [], timestamp: 1 }],
    producerId,
    baseSequence: 0,
  });
}

describe('group commit without a linger (the default)', () => {
  it('still writes requests that arrive together as one segment, and a lone request at once', async () => {
    expect(brokerDefaults.groupCommitLingerMs).toBe(0);
    const { call, store } = brokerOnMemory();
    const created = await call('POST', '/v1/topics', { body: { name: 'orders' } });
    const ref: PartitionRef = { topic: 'orders', topicId: created.json.topicId, partition: 0 };
    const together = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('POST', brokerPaths.produce(ref), { body: batch(BigInt(i + 1), `v${i}`), headers }),
      ),
    );
    expect(together.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(await segmentKeys(store, 'orders')).toHaveLength(1);

    const alone = await call('POST', brokerPaths.produce(ref), { body: batch(99n, 'alone'), headers });
    expect(alone.json).toEqual({ baseOffset: '8', lastOffset: '8', duplicate: false });
    expect(await segmentKeys(store, 'orders')).toHaveLength(2);
  });
});
