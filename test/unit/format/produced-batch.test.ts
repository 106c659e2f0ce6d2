import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../sdk/format/crc32c.js';
import { checkProducedBatch } from '../../../sdk/format/produced-batch.js';
import {
  type BatchMeta,
  decodeSegment,
  encodeBatch,
  encodeControlBatch,
  encodeSegment,
  type LogRecord,
} from '../../../sdk/format/segment.js';
import { recordPayloadBytes } from '../../../sdk/log/record-size.js';

const meta: BatchMeta = { producerId: 42n, baseSequence: 7, writerEpoch: 0 };

const records: LogRecord[] = [
  {
    key: Buffer.from('k1'),
    value: Buffer.from('value one'),
    headers: [{ key: 'hé', value: Buffer.from('v') }],
    timestamp: 1_000,
  },
  { key: null, value: null, headers: [], timestamp: 990 },
  { key: Buffer.alloc(0), value: Buffer.alloc(300, 1), headers: [{ key: 'n', value: null }], timestamp: 1_010 },
];

/** Changes bytes of an encoded batch and seals it with a valid CRC again, as a careless client could. */
function tampered(bytes: Uint8Array, change: (view: Buffer) => void): Uint8Array {
  const view = Buffer.from(bytes);
  change(view);
  view.writeUInt32BE(crc32c(view.subarray(4)), 0);
  return view;
}

function problem(bytes: Uint8Array): string {
  try {
    checkProducedBatch(bytes);
  } catch (error) {
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    return (error as Error).message;
  }
  throw new Error('the batch was accepted');
}

describe('checkProducedBatch', () => {
  it.each(['none', 'gzip', 'snappy'] as const)(
    'accepts what encodeBatch writes (%s) and measures each record',
    (compression) => {
      const encoded = encodeBatch(records, { ...meta, compression });
      const checked = checkProducedBatch(encoded.bytes);
      const { recordBytes, ...batch } = checked;
      expect(batch).toEqual(encoded);
      expect([...recordBytes]).toEqual(records.map(recordPayloadBytes));
      // The checked batch goes into a segment as it is, and reads back as the records.
      const segment = decodeSegment(encodeSegment(5n, [checked]), 'test');
      expect(segment.batches[0]?.records.map((record) => record.value?.length ?? null)).toEqual([9, null, 300]);
    },
  );

  it('refuses short, damaged and control batches, and unknown versions and codecs', () => {
    const good = encodeBatch(records, meta).bytes;
    expect(problem(good.subarray(0, 20))).toMatch(/shorter than the 48-byte batch header/);
    const flipped = Buffer.from(good);
    flipped[60] = flipped[60]! ^ 1;
    expect(problem(flipped)).toMatch(/checksum/);
    const control = encodeControlBatch(1, { epoch: 1 }, { ...meta, timestamp: 1 }).bytes;
    expect(problem(control)).toMatch(/control batch/);
    expect(problem(tampered(good, (view) => view.writeUInt8(2, 4)))).toMatch(/batch version 2/);
    expect(problem(tampered(good, (view) => view.writeUInt8(5, 5)))).toMatch(/codec 5/);
  });

  it('refuses producer fields and counts that encodeBatch never writes', () => {
    const good = encodeBatch(records, meta).bytes;
    expect(problem(tampered(good, (view) => view.writeInt32BE(-2, 16)))).toMatch(/base sequence -2/);
    expect(problem(tampered(good, (view) => view.writeUInt32BE(0, 24)))).toMatch(/no records/);
    expect(problem(tampered(good, (view) => view.writeUInt32BE(2, 24)))).toMatch(/bytes after its last record/);
    expect(problem(tampered(good, (view) => view.writeUInt32BE(4, 24)))).toMatch(/record 3|malformed record/);
    expect(problem(tampered(good, (view) => view.writeUInt32BE(1_000_000, 24)))).toMatch(/claims 1000000 records/);
  });

  it('refuses records outside their bounds or the batch header, and timestamps that disagree with it', () => {
    const good = encodeBatch(records, meta).bytes;
    // The header's timestamps must be the records' smallest and largest, as encodeBatch writes them.
    expect(problem(tampered(good, (view) => view.writeUInt32BE(1_011, 40)))).toMatch(/smallest and largest/);
    expect(problem(tampered(good, (view) => view.writeUInt32BE(1_009, 40)))).toMatch(/outside the batch's range/);
    // The first record's offset delta (after its length and timestamp delta varints) becomes 1.
    expect(problem(tampered(good, (view) => view.writeUInt8(2, 50)))).toMatch(/wrong offset delta/);
    // A records section shorter than the header says.
    const cut = tampered(good.subarray(0, good.length - 1), () => undefined);
    expect(problem(cut)).toMatch(/records section is not the \d+ bytes its header names/);
  });

  it('refuses a header key that is not UTF-8', () => {
    const encoded = encodeBatch(
      [{ key: null, value: null, headers: [{ key: 'ab', value: null }], timestamp: 1 }],
      meta,
    );
    const at = Buffer.from(encoded.bytes).indexOf('ab');
    expect(problem(tampered(encoded.bytes, (view) => view.writeUInt8(0xff, at)))).toMatch(/not UTF-8/);
  });
});
