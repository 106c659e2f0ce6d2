import { describe, expect, it } from 'vitest';
import { KlogError } from '../../../sdk/errors.js';
import type { Compression } from '../../../sdk/format/compression.js';
import { crc32c } from '../../../sdk/format/crc32c.js';
import {
  BATCH_HEADER_BYTES,
  type BatchMeta,
  batchCrc,
  ControlType,
  DIRECTORY_ENTRY_BYTES,
  decodeBatch,
  decodeSegment,
  decodeSegmentHeader,
  type EncodedBatch,
  encodeBatch,
  encodeControlBatch,
  encodedBatchFromBytes,
  encodeSegment,
  type LogRecord,
  SEGMENT_FIXED_HEADER_BYTES,
  segmentHeaderLength,
} from '../../../sdk/format/segment.js';

const KEY = 'topics/orders/abc/0/log/00000000000000001000.seg';
const CODECS: Compression[] = ['none', 'gzip', 'snappy'];
const T0 = 1_700_000_000_000;

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Records in a form `toEqual` compares by content, whatever typed-array class holds the bytes. */
function plain(record: LogRecord & { offset?: bigint }) {
  const hex = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('hex'));
  return {
    ...(record.offset === undefined ? {} : { offset: record.offset }),
    timestamp: record.timestamp,
    key: hex(record.key),
    value: hex(record.value),
    headers: record.headers.map((header) => ({ key: header.key, value: hex(header.value) })),
  };
}

function withOffsets(records: LogRecord[], first: bigint) {
  return records.map((record, i) => plain({ ...record, offset: first + BigInt(i) }));
}

function decodedRecords(segment: Uint8Array) {
  return decodeSegment(segment, KEY).batches.flatMap((batch) => batch.records.map(plain));
}

/** Records that exercise every nullable field, empty bytes, and multi-byte header keys. */
function mixedRecords(): LogRecord[] {
  return [
    {
      key: utf8('order-1'),
      value: utf8('{"total":12}'),
      headers: [{ key: 'trace', value: utf8('abc') }],
      timestamp: T0,
    },
    { key: null, value: utf8('no key'), headers: [], timestamp: T0 + 3 },
    { key: utf8('order-2'), value: null, headers: [{ key: 'deleted', value: null }], timestamp: T0 + 1 },
    { key: new Uint8Array(0), value: new Uint8Array(0), headers: [], timestamp: T0 + 2 },
    {
      key: null,
      value: null,
      headers: [
        { key: 'ключ', value: utf8('значение') },
        { key: '鍵🔑', value: null },
        { key: '', value: new Uint8Array(0) },
        { key: 'trace', value: utf8('second header with the same key') },
      ],
      timestamp: T0,
    },
  ];
}

const META: BatchMeta = { producerId: 0x0123456789abcdefn, baseSequence: 17, writerEpoch: 4 };

function expectKlogError(run: () => unknown, codes: string[], key = KEY): KlogError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KlogError);
  const error = caught as KlogError;
  expect(codes).toContain(error.code);
  expect(error.context.key).toBe(key);
  expect(error.message).toContain(key);
  return error;
}

/** Recomputes every batch CRC and the header CRC, using the layout of an undamaged copy of the segment. */
function fixChecksums(segment: Uint8Array, layout: Uint8Array): Uint8Array {
  const view = Buffer.from(segment.buffer, segment.byteOffset, segment.byteLength);
  for (const entry of decodeSegmentHeader(layout, KEY).batches) {
    const batch = view.subarray(entry.position, entry.position + entry.length);
    batch.writeUInt32BE(batchCrc(batch), 0);
  }
  const dataStart = decodeSegmentHeader(layout, KEY).dataStart;
  view.writeUInt32BE(crc32c(view.subarray(SEGMENT_FIXED_HEADER_BYTES, dataStart), crc32c(view.subarray(0, 32))), 32);
  return segment;
}

/** A small deterministic pseudo-random generator (mulberry32), so that fuzz failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A small segment with a plain, a gzip, a snappy and a control batch, for the corruption tests. */
function smallSegment(): Uint8Array {
  const records = mixedRecords().slice(0, 3);
  return encodeSegment(1000n, [
    encodeBatch(records, META),
    encodeBatch(records, { ...META, baseSequence: 20, compression: 'gzip' }),
    encodeBatch(records, { ...META, baseSequence: 23, compression: 'snappy' }),
    encodeControlBatch(ControlType.WRITER_EPOCH, { writerId: '42', epoch: 5 }, { ...META, timestamp: T0 }),
  ]);
}

describe('segment round trips', () => {
  it.each(CODECS)('keeps every field of every record with %s compression', (compression) => {
    const records = mixedRecords();
    const segment = encodeSegment(1000n, [encodeBatch(records, { ...META, compression })]);
    const { header, batches } = decodeSegment(segment, KEY);

    expect(header.baseOffset).toBe(1000n);
    expect(header.offsetCount).toBe(records.length);
    expect(header.endOffset).toBe(1000n + BigInt(records.length));
    expect(header.totalLength).toBe(segment.length);
    expect(batches).toHaveLength(1);
    const batch = batches[0]!;
    expect(batch.control).toBe(false);
    expect(batch.controlRecord).toBeUndefined();
    expect(batch.baseOffset).toBe(1000n);
    expect(batch.entry).toMatchObject({
      relativeOffset: 0,
      offsetCount: records.length,
      producerId: META.producerId,
      baseSequence: 17,
      writerEpoch: 4,
      maxTimestamp: T0 + 3,
      control: false,
      compression,
    });
    expect(batch.records.map(plain)).toEqual(withOffsets(records, 1000n));
  });

  it.each(CODECS)('keeps a 3 MiB value intact with %s compression', (compression) => {
    const big = new Uint8Array(3 * 1024 * 1024);
    const next = random(7);
    for (let i = 0; i < big.length; i++) big[i] = i % 3 === 0 ? Math.floor(next() * 256) : i % 251;
    const records: LogRecord[] = [
      { key: utf8('big'), value: big, headers: [{ key: 'size', value: utf8(String(big.length)) }], timestamp: T0 },
      { key: utf8('small'), value: utf8('after the big one'), headers: [], timestamp: T0 },
    ];
    const segment = encodeSegment(0n, [encodeBatch(records, { ...META, compression })]);
    const decoded = decodeSegment(segment, KEY).batches[0]!.records;
    expect(Buffer.from(decoded[0]!.value!).equals(Buffer.from(big))).toBe(true);
    expect(decoded.map(plain)).toEqual(withOffsets(records, 0n));
  });

  it('stores records whose timestamps are out of order, relative to the smallest one', () => {
    const records = [T0 + 50, T0, T0 + 10_000_000].map((timestamp) => ({
      key: null,
      value: utf8('v'),
      headers: [],
      timestamp,
    }));
    const batch = encodeBatch(records, META);
    expect(batch.baseTimestamp).toBe(T0);
    expect(batch.maxTimestamp).toBe(T0 + 10_000_000);
    expect(decodedRecords(encodeSegment(5n, [batch]))).toEqual(withOffsets(records, 5n));
  });

  it('round-trips a control batch that occupies one offset and delivers no records', () => {
    const payload = { writerId: '18446744073709551615', epoch: 7 };
    const control = encodeControlBatch(ControlType.WRITER_EPOCH, payload, {
      producerId: 0n,
      baseSequence: -1,
      writerEpoch: 7,
      timestamp: T0,
    });
    expect(control.control).toBe(true);
    expect(control.recordCount).toBe(1);

    const { header, batches } = decodeSegment(encodeSegment(99n, [control]), KEY);
    expect(header.endOffset).toBe(100n);
    const batch = batches[0]!;
    expect(batch.control).toBe(true);
    expect(batch.entry).toMatchObject({ control: true, offsetCount: 1, writerEpoch: 7, baseSequence: -1 });
    expect(batch.records).toEqual([]);
    expect(batch.controlRecord).toEqual({ type: ControlType.WRITER_EPOCH, payload });
  });

  it('decodes a control batch of a type it does not know', () => {
    const control = encodeControlBatch(999, { future: true }, { ...META, timestamp: T0 });
    const batch = decodeSegment(encodeSegment(0n, [control]), KEY).batches[0]!;
    expect(batch.controlRecord).toEqual({ type: 999, payload: { future: true } });
  });

  it('lays out a multi-batch segment with contiguous offsets and bytes', () => {
    const first = encodeBatch(mixedRecords(), META);
    const second = encodeBatch(mixedRecords().slice(0, 2), { producerId: 9n, baseSequence: 0, writerEpoch: 4 });
    const third = encodeBatch(mixedRecords().slice(1), { ...META, baseSequence: 22, compression: 'gzip' });
    const control = encodeControlBatch(ControlType.SEAL, {}, { ...META, timestamp: T0 + 9 });
    const segment = encodeSegment(200n, [first, second, control, third]);
    const { header, batches } = decodeSegment(segment, KEY);

    expect(header.dataStart).toBe(SEGMENT_FIXED_HEADER_BYTES + 4 * DIRECTORY_ENTRY_BYTES);
    expect(header.batches.map((entry) => [entry.relativeOffset, entry.offsetCount])).toEqual([
      [0, 5],
      [5, 2],
      [7, 1],
      [8, 4],
    ]);
    expect(header.endOffset).toBe(212n);
    let position = header.dataStart;
    for (const [i, entry] of header.batches.entries()) {
      expect(entry.position).toBe(position);
      expect(entry.length).toBe([first, second, control, third][i]!.bytes.length);
      position += entry.length;
    }
    expect(position).toBe(segment.length);
    expect(batches.map((batch) => batch.baseOffset)).toEqual([200n, 205n, 207n, 208n]);
    expect(batches[2]!.controlRecord).toEqual({ type: ControlType.SEAL, payload: {} });
    expect(batches.flatMap((batch) => batch.records.map(plain))).toEqual([
      ...withOffsets(mixedRecords(), 200n),
      ...withOffsets(mixedRecords().slice(0, 2), 205n),
      ...withOffsets(mixedRecords().slice(1), 208n),
    ]);
  });

  it('reads one batch with range reads: the header prefix first, then only that batch', () => {
    const batches = [0, 1, 2].map((i) => encodeBatch(mixedRecords(), { ...META, baseSequence: i * 5 }));
    const segment = encodeSegment(50n, batches);
    const headerBytes = segmentHeaderLength(segment.subarray(0, SEGMENT_FIXED_HEADER_BYTES), KEY);
    expect(headerBytes).toBe(SEGMENT_FIXED_HEADER_BYTES + 3 * DIRECTORY_ENTRY_BYTES);

    const header = decodeSegmentHeader(segment.subarray(0, headerBytes), KEY);
    const entry = header.batches[2]!;
    const batch = decodeBatch(segment.subarray(entry.position, entry.position + entry.length), entry, 50n, KEY);
    expect(batch.baseOffset).toBe(60n);
    expect(batch.records.map(plain)).toEqual(withOffsets(mixedRecords(), 60n));
  });

  it('copies a stored batch into a segment at another offset without re-encoding it', () => {
    const original = encodeSegment(10n, [encodeBatch(mixedRecords(), { ...META, compression: 'snappy' })]);
    const entry = decodeSegmentHeader(original, KEY).batches[0]!;
    const stored = original.subarray(entry.position, entry.position + entry.length);

    const copied = encodedBatchFromBytes(stored, KEY);
    expect(copied).toMatchObject({
      recordCount: 5,
      producerId: META.producerId,
      compression: 'snappy',
      control: false,
    });
    const rebased = encodeSegment(5000n, [encodeBatch(mixedRecords().slice(0, 1), META), copied]);
    const moved = decodeSegment(rebased, KEY).batches[1]!;
    expect(Buffer.from(rebased.subarray(moved.entry.position, moved.entry.position + moved.entry.length))).toEqual(
      Buffer.from(stored),
    );
    expect(moved.records.map(plain)).toEqual(withOffsets(mixedRecords(), 5001n));
  });

  it('returns a crc that matches batchCrc of the batch bytes', () => {
    const batch = encodeBatch(mixedRecords(), META);
    expect(batch.crc).toBe(batchCrc(batch.bytes));
    expect(Buffer.from(batch.bytes).readUInt32BE(0)).toBe(batch.crc);
    expect(batch.bytes.length).toBeGreaterThan(BATCH_HEADER_BYTES);
  });
});

describe('segment encoding rejects bad input', () => {
  const one = (overrides: Partial<LogRecord>): LogRecord[] => [
    { key: null, value: utf8('v'), headers: [], timestamp: T0, ...overrides },
  ];

  it.each([
    ['no records', () => encodeBatch([], META)],
    ['a negative timestamp', () => encodeBatch(one({ timestamp: -1 }), META)],
    ['a fractional timestamp', () => encodeBatch(one({ timestamp: 1.5 }), META)],
    ['a timestamp past 2^52', () => encodeBatch(one({ timestamp: 2 ** 53 }), META)],
    ['a value that is not bytes', () => encodeBatch(one({ value: 'text' as unknown as Uint8Array }), META)],
    [
      'a header key that is not a string',
      () => encodeBatch(one({ headers: [{ key: 3 as unknown as string, value: null }] }), META),
    ],
    ['a base sequence below -1', () => encodeBatch(one({}), { ...META, baseSequence: -2 })],
    ['a negative producer id', () => encodeBatch(one({}), { ...META, producerId: -1n })],
    ['a writer epoch past 32 bits', () => encodeBatch(one({}), { ...META, writerEpoch: 2 ** 32 })],
    ['an unknown compression', () => encodeBatch(one({}), { ...META, compression: 'lz4' as Compression })],
    ['a control type past 16 bits', () => encodeControlBatch(70000, {}, { ...META, timestamp: T0 })],
    [
      'a control payload that is an array',
      () => encodeControlBatch(1, [] as unknown as Record<string, unknown>, { ...META, timestamp: T0 }),
    ],
    ['a segment without batches', () => encodeSegment(0n, [])],
    ['a negative base offset', () => encodeSegment(-1n, [encodeBatch(one({}), META)])],
  ])('throws INVALID_ARGUMENT for %s', (_, run) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KlogError);
    expect((caught as KlogError).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses a batch whose bytes do not match its crc', () => {
    const batch = encodeBatch(one({}), META);
    const forged: EncodedBatch = { ...batch, crc: (batch.crc + 1) >>> 0 };
    expect(() => encodeSegment(0n, [forged])).toThrow(KlogError);
  });
});

describe('segment corruption is reported with the key', () => {
  it('reports a truncated object', () => {
    const segment = smallSegment();
    expect(
      expectKlogError(() => decodeSegment(segment.subarray(0, segment.length - 1), KEY), ['CORRUPT_OBJECT']).message,
    ).toContain('truncated');
    expectKlogError(() => decodeSegment(segment.subarray(0, 20), KEY), ['CORRUPT_OBJECT']);
    expectKlogError(() => decodeSegment(segment.subarray(0, 100), KEY), ['CORRUPT_OBJECT']);
  });

  it('reports bytes after the last batch', () => {
    const segment = Buffer.concat([smallSegment(), Buffer.from([0])]);
    expectKlogError(() => decodeSegment(segment, KEY), ['CORRUPT_OBJECT']);
  });

  it('reports a bit flip inside a batch', () => {
    const segment = smallSegment();
    const entry = decodeSegmentHeader(segment, KEY).batches[0]!;
    segment[entry.position + entry.length - 2]! ^= 0x10;
    const error = expectKlogError(() => decodeSegment(segment, KEY), ['CORRUPT_OBJECT']);
    expect(error.message).toContain('checksum');
    expect(error.message).toContain('offset 1000');
  });

  it('reports a bit flip in the header and in the directory', () => {
    const header = smallSegment();
    header[12]! ^= 0x01; // inside baseOffset
    expect(expectKlogError(() => decodeSegment(header, KEY), ['CORRUPT_OBJECT']).message).toContain('checksum');
    const directory = smallSegment();
    directory[SEGMENT_FIXED_HEADER_BYTES + DIRECTORY_ENTRY_BYTES + 35]! ^= 0x04; // second entry's maxTimestamp
    expect(expectKlogError(() => decodeSegmentHeader(directory, KEY), ['CORRUPT_OBJECT']).message).toContain(
      'checksum',
    );
  });

  it('reports an object that is not a segment', () => {
    const segment = smallSegment();
    segment.set(utf8('PK\x03\x04'), 0);
    expect(expectKlogError(() => decodeSegment(segment, KEY), ['CORRUPT_OBJECT']).message).toContain('KLGS');
    expectKlogError(() => segmentHeaderLength(utf8('{"not":"a segment"}'), KEY), ['CORRUPT_OBJECT']);
  });

  it('stops at a newer major version and names the version needed', () => {
    const segment = smallSegment();
    segment[4] = 2;
    const error = expectKlogError(() => decodeSegment(segment, KEY), ['UNSUPPORTED_FORMAT']);
    expect(error.message).toContain('storage format 2');
    expect(error.message).toContain('Upgrade klog');
    expect(error.context.formatVersion).toBe(2);
    expectKlogError(
      () => segmentHeaderLength(segment.subarray(0, SEGMENT_FIXED_HEADER_BYTES), KEY),
      ['UNSUPPORTED_FORMAT'],
    );
  });

  it('reports major version 0 as corruption, since it never existed', () => {
    const segment = smallSegment();
    segment[4] = 0;
    expectKlogError(() => decodeSegment(segment, KEY), ['CORRUPT_OBJECT']);
  });

  it('asks for an upgrade when a checksummed batch names an unknown codec or batch version', () => {
    const codec = smallSegment();
    const layout = Uint8Array.from(codec);
    const entry = decodeSegmentHeader(layout, KEY).batches[0]!;
    codec[entry.position + 5] = 5;
    codec[SEGMENT_FIXED_HEADER_BYTES + 40] = 5;
    expect(
      expectKlogError(() => decodeSegment(fixChecksums(codec, layout), KEY), ['UNSUPPORTED_FORMAT']).message,
    ).toContain('codec 5');

    const version = smallSegment();
    version[entry.position + 4] = 2;
    expect(
      expectKlogError(() => decodeSegment(fixChecksums(version, layout), KEY), ['UNSUPPORTED_FORMAT']).message,
    ).toContain('batch format 2');
  });

  it('reports a batch that disagrees with its directory entry even when both checksums hold', () => {
    const segment = smallSegment();
    const layout = Uint8Array.from(segment);
    segment[SEGMENT_FIXED_HEADER_BYTES + 23]! ^= 0x01; // first entry's producerId
    const error = expectKlogError(() => decodeSegment(fixChecksums(segment, layout), KEY), ['CORRUPT_OBJECT']);
    expect(error.message).toContain('directory entry');
  });

  it('reports a batch range that does not match its directory entry', () => {
    const segment = smallSegment();
    const entry = decodeSegmentHeader(segment, KEY).batches[1]!;
    const tooShort = segment.subarray(entry.position, entry.position + entry.length - 1);
    expectKlogError(() => decodeBatch(tooShort, entry, 1000n, KEY), ['CORRUPT_OBJECT']);
  });
});

describe('segment decoding never fails in an untyped way', () => {
  const TYPED = ['CORRUPT_OBJECT', 'UNSUPPORTED_FORMAT'];

  it('detects every single-byte change of a small segment outside the unchecked reserved bytes', () => {
    // Bytes 36..39 of the header are reserved and outside every checksum; readers ignore them, so damage there
    // must leave the records intact. Every other byte is covered by the header CRC or a batch CRC.
    const original = smallSegment();
    const expected = decodedRecords(original);
    const undetected: number[] = [];
    for (let i = 0; i < original.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const damaged = Uint8Array.from(original);
        damaged[i]! ^= mask;
        try {
          expect(decodedRecords(damaged)).toEqual(expected);
          undetected.push(i);
        } catch (error) {
          expect(error).toBeInstanceOf(KlogError);
          expect(TYPED).toContain((error as KlogError).code);
          expect((error as KlogError).context.key).toBe(KEY);
        }
      }
    }
    expect(new Set(undetected)).toEqual(new Set([36, 37, 38, 39]));
  });

  it('detects truncation at every length', () => {
    const original = smallSegment();
    for (let length = 0; length < original.length; length++) {
      expectKlogError(() => decodeSegment(original.subarray(0, length), KEY), ['CORRUPT_OBJECT']);
    }
  });

  it('decodes or rejects with a typed error when damage comes with valid checksums', () => {
    // Checksums hide damage from the record parser; recomputing them after each change makes every bounds check
    // and every length field face malformed input, as it would from a buggy writer.
    const original = smallSegment();
    const expected = decodedRecords(original);
    const next = random(20240611);
    let decodedAnyway = 0;
    for (let round = 0; round < 4000; round++) {
      const damaged = Uint8Array.from(original);
      const changes = 1 + Math.floor(next() * 3);
      for (let c = 0; c < changes; c++) {
        damaged[Math.floor(next() * damaged.length)] = Math.floor(next() * 256);
      }
      fixChecksums(damaged, original);
      try {
        const records = decodedRecords(damaged);
        decodedAnyway++;
        expect(records.length).toBeLessThanOrEqual(expected.length);
      } catch (error) {
        expect(error).toBeInstanceOf(KlogError);
        expect(TYPED).toContain((error as KlogError).code);
        expect((error as KlogError).context.key).toBe(KEY);
      }
    }
    expect(decodedAnyway).toBeLessThan(4000);
  });
});
