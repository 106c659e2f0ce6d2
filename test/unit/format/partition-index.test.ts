import { describe, expect, it } from 'vitest';
import {
  decodePartitionIndex,
  encodePartitionIndex,
  type PartitionIndex,
} from '../../../sdk/format/partition-index.js';

const fixture: PartitionIndex = {
  baseOffset: 100n,
  endOffset: 130n,
  previous: 'topics/t/id/0/index/00000000000000000000.idx',
  createdAt: 1_800_000_000_000,
  segments: [
    {
      baseOffset: 100n,
      endOffset: 120n,
      key: 'topics/t/id/0/data/00000000000000000100-00000000000000000120.seg',
      size: 4096,
      maxTimestamp: 1_799_999_999_000,
    },
    {
      baseOffset: 120n,
      endOffset: 130n,
      key: 'topics/t/id/0/log/00000000000000000120.seg',
      size: 64 * 1024 * 1024,
      maxTimestamp: 1_799_999_999_500,
    },
  ],
  producers: [
    {
      producerId: 18_446_744_073_709_551_615n,
      lastTimestamp: 1_799_999_999_500,
      batches: [{ baseSequence: 7, lastSequence: 9, baseOffset: 127n, lastOffset: 129n }],
    },
  ],
  fence: { writerEpoch: 3, writerId: 42n },
  chain: [
    {
      baseOffset: 0n,
      endOffset: 100n,
      key: 'topics/t/id/0/index/00000000000000000000.idx',
      maxTimestamp: 1_799_999_998_000,
    },
    {
      baseOffset: 100n,
      endOffset: 130n,
      key: 'topics/t/id/0/index/00000000000000000100.idx',
      maxTimestamp: 1_799_999_999_500,
    },
  ],
};

/** The fixture as an index written before the chain directory existed stores it. */
function withoutChainField(): Uint8Array {
  const stored = JSON.parse(Buffer.from(encodePartitionIndex(fixture)).toString('utf8'));
  delete stored.chain;
  return Buffer.from(`${JSON.stringify(stored)}\n`);
}

describe('index object format', () => {
  it('encodes every field as the golden JSON (apart from the nonce)', () => {
    const text = Buffer.from(encodePartitionIndex(fixture))
      .toString('utf8')
      .replace(/"nonce":"[0-9a-f]{16}"/, '"nonce":"N"');
    expect(text).toBe(
      '{"kind":"partition-index","formatVersion":"1.0","nonce":"N","baseOffset":"100","endOffset":"130",' +
        '"previous":"topics/t/id/0/index/00000000000000000000.idx","createdAt":1800000000000,"segments":[' +
        '{"baseOffset":"100","endOffset":"120","key":"topics/t/id/0/data/00000000000000000100-00000000000000000120.seg","size":4096,"maxTimestamp":1799999999000},' +
        '{"baseOffset":"120","endOffset":"130","key":"topics/t/id/0/log/00000000000000000120.seg","size":67108864,"maxTimestamp":1799999999500}],' +
        '"producers":[{"producerId":"18446744073709551615","lastTimestamp":1799999999500,"batches":[' +
        '{"baseSequence":7,"lastSequence":9,"baseOffset":"127","lastOffset":"129"}]}],' +
        '"fence":{"writerEpoch":3,"writerId":"42"},"chain":[' +
        '{"baseOffset":"0","endOffset":"100","key":"topics/t/id/0/index/00000000000000000000.idx","maxTimestamp":1799999998000},' +
        '{"baseOffset":"100","endOffset":"130","key":"topics/t/id/0/index/00000000000000000100.idx","maxTimestamp":1799999999500}]}\n',
    );
  });

  it('decodes what it encodes', () => {
    expect(decodePartitionIndex(encodePartitionIndex(fixture), 'k')).toEqual(fixture);
  });

  it('rejects segments that do not tile the range, naming the key', () => {
    const broken = { ...fixture, endOffset: 131n };
    expect(() => decodePartitionIndex(encodePartitionIndex(broken), 'the-key')).toThrow(/the-key is corrupt/);
  });

  it('decodes an index written before the chain directory with a null chain', () => {
    expect(decodePartitionIndex(withoutChainField(), 'k')).toEqual({ ...fixture, chain: null });
  });

  it('rejects a chain directory with a gap or that does not end with the index itself', () => {
    const [first, self] = fixture.chain!;
    const gap = { ...fixture, chain: [{ ...first!, endOffset: 99n }, self!] };
    expect(() => decodePartitionIndex(encodePartitionIndex(gap), 'the-key')).toThrow(/does not continue at/);
    const notSelf = { ...fixture, chain: [first!] };
    expect(() => decodePartitionIndex(encodePartitionIndex(notSelf), 'the-key')).toThrow(/does not end with/);
  });
});
