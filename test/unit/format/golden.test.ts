/**
 * Golden bytes for segment format 1.0. Each fixture under test/fixtures/format/ was written by this encoder and
 * is what every future klog must still read: the tests encode fixed input and compare it with the fixture byte for
 * byte, and decode the fixture and compare it with the expected records.
 *
 * Compressed fixtures are compared everywhere except inside the compressed bytes: those come from zlib and snappy,
 * whose output may change with the library version or the CPU's code path (and gzip's header names the OS), none of
 * which is part of klog's format. Their headers, directories and decompressed record sections are compared exactly.
 *
 * To change the format deliberately (which needs a new format version, see docs/format.md), regenerate with
 *   KLOG_UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/format/golden.test.ts
 * and review the diff of the fixtures.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decompress } from '../../../sdk/format/compression.js';
import { crc32c } from '../../../sdk/format/crc32c.js';
import {
  ControlType,
  type DecodedBatch,
  decodeSegment,
  decodeSegmentHeader,
  type EncodedBatch,
  encodeBatch,
  encodeControlBatch,
  encodeSegment,
  type LogRecord,
} from '../../../sdk/format/segment.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/format/', import.meta.url));
const UPDATE = process.env.KLOG_UPDATE_GOLDEN === '1';
const T0 = 1_700_000_000_000;

function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** Small records chosen so that their encoding can be written out by hand (see the layout test below). */
const SMALL_RECORDS: LogRecord[] = [
  { key: utf8('k'), value: utf8('hello'), headers: [{ key: 'h', value: null }], timestamp: T0 },
  { key: null, value: new Uint8Array(0), headers: [{ key: 'é', value: utf8('x') }], timestamp: T0 + 2 },
  { key: utf8('k'), value: null, headers: [], timestamp: T0 + 1 },
];

const RICHER_RECORDS: LogRecord[] = [
  {
    key: utf8('order-1'),
    value: utf8('{"item":"tea","qty":2}'.repeat(8)),
    headers: [
      { key: 'trace-id', value: utf8('4bf92f3577b34da6') },
      { key: 'ключ-🔑', value: null },
    ],
    timestamp: T0 + 10,
  },
  { key: null, value: utf8('{"item":"tea","qty":3}'.repeat(8)), headers: [], timestamp: T0 },
  { key: utf8('order-1'), value: null, headers: [{ key: '', value: new Uint8Array(0) }], timestamp: T0 + 5 },
];

const PRODUCER = { producerId: 0x0123456789abcdefn, baseSequence: 7, writerEpoch: 3 };

interface Expected {
  baseOffset: bigint;
  records: LogRecord[];
  control?: { type: number; payload: Record<string, unknown> };
}

interface Golden {
  file: string;
  /** Whether the fixture holds compressed bytes, which are compared only after decompression. */
  compressed: boolean;
  encode: () => Uint8Array;
  batches: Expected[];
}

const GOLDEN: Golden[] = [
  {
    file: 'segment-v1-none.bin',
    compressed: false,
    encode: () => encodeSegment(1000n, [encodeBatch(SMALL_RECORDS, PRODUCER)]),
    batches: [{ baseOffset: 1000n, records: SMALL_RECORDS }],
  },
  {
    file: 'segment-v1-multi-batch.bin',
    compressed: false,
    encode: () =>
      encodeSegment(5000n, [
        encodeBatch(RICHER_RECORDS, PRODUCER),
        encodeBatch(SMALL_RECORDS.slice(0, 1), { producerId: 0n, baseSequence: -1, writerEpoch: 3 }),
        encodeControlBatch(
          ControlType.WRITER_EPOCH,
          { writerId: '18446744073709551615', epoch: 4 },
          { producerId: 0n, baseSequence: -1, writerEpoch: 4, timestamp: T0 + 20 },
        ),
        encodeBatch(SMALL_RECORDS, { ...PRODUCER, writerEpoch: 4 }),
      ]),
    batches: [
      { baseOffset: 5000n, records: RICHER_RECORDS },
      { baseOffset: 5003n, records: SMALL_RECORDS.slice(0, 1) },
      {
        baseOffset: 5004n,
        records: [],
        control: { type: ControlType.WRITER_EPOCH, payload: { writerId: '18446744073709551615', epoch: 4 } },
      },
      { baseOffset: 5005n, records: SMALL_RECORDS },
    ],
  },
  {
    file: 'segment-v1-control.bin',
    compressed: false,
    encode: () =>
      encodeSegment(42n, [
        encodeControlBatch(
          ControlType.WRITER_EPOCH,
          { writerId: '12345678901234567890', epoch: 9 },
          { producerId: 0n, baseSequence: -1, writerEpoch: 9, timestamp: T0 },
        ),
      ]),
    batches: [
      {
        baseOffset: 42n,
        records: [],
        control: { type: ControlType.WRITER_EPOCH, payload: { writerId: '12345678901234567890', epoch: 9 } },
      },
    ],
  },
  {
    file: 'segment-v1-gzip.bin',
    compressed: true,
    encode: () => encodeSegment(0n, [encodeBatch(RICHER_RECORDS, { ...PRODUCER, compression: 'gzip' })]),
    batches: [{ baseOffset: 0n, records: RICHER_RECORDS }],
  },
  {
    file: 'segment-v1-snappy.bin',
    compressed: true,
    encode: () => encodeSegment(0n, [encodeBatch(RICHER_RECORDS, { ...PRODUCER, compression: 'snappy' })]),
    batches: [{ baseOffset: 0n, records: RICHER_RECORDS }],
  },
];

function hex(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes).toString('hex');
}

function plainRecords(records: readonly LogRecord[], baseOffset: bigint) {
  return records.map((record, i) => ({
    offset: baseOffset + BigInt(i),
    timestamp: record.timestamp,
    key: hex(record.key),
    value: hex(record.value),
    headers: record.headers.map((header) => ({ key: header.key, value: hex(header.value) })),
  }));
}

function plainBatch(batch: DecodedBatch): Expected & { records: unknown } {
  return {
    baseOffset: batch.baseOffset,
    records: plainRecords(batch.records, batch.baseOffset) as unknown as LogRecord[],
    ...(batch.controlRecord === undefined ? {} : { control: batch.controlRecord }),
  };
}

/**
 * Everything klog itself lays out in a segment, leaving out only what depends on the compressor's output: the
 * compressed bytes, and the lengths and checksums computed over them.
 */
function layoutWithoutCompressedBytes(segment: Uint8Array) {
  const bytes = Buffer.from(segment);
  const header = decodeSegmentHeader(bytes, 'golden');
  return {
    fixedHeader: hex(bytes.subarray(0, 28)),
    reserved: hex(bytes.subarray(36, 40)),
    batches: header.batches.map((entry, i) => {
      const at = 40 + 48 * i;
      const batch = bytes.subarray(entry.position, entry.position + entry.length);
      return {
        entryStart: hex(bytes.subarray(at, at + 8)),
        entryRest: hex(bytes.subarray(at + 16, at + 48)),
        batchHeader: hex(batch.subarray(4, 48)),
        records: hex(decompress(entry.compression, batch.subarray(48), batch.readUInt32BE(44), 'golden')),
      };
    }),
  };
}

describe('golden segment fixtures', () => {
  it.each(GOLDEN)('$file: encoding fixed input gives the fixture', (golden) => {
    const path = `${FIXTURES}${golden.file}`;
    const encoded = golden.encode();
    if (UPDATE || !existsSync(path)) {
      expect(UPDATE, `fixture ${golden.file} is missing; set KLOG_UPDATE_GOLDEN=1 to write it`).toBe(true);
      writeFileSync(path, encoded);
    }
    const fixture = readFileSync(path);
    if (golden.compressed) {
      expect(layoutWithoutCompressedBytes(encoded)).toEqual(layoutWithoutCompressedBytes(fixture));
    } else {
      expect(Buffer.from(encoded).toString('hex')).toBe(fixture.toString('hex'));
    }
  });

  it.each(GOLDEN)('$file: decoding the fixture gives the expected records', (golden) => {
    const decoded = decodeSegment(readFileSync(`${FIXTURES}${golden.file}`), golden.file);
    expect(decoded.batches.map(plainBatch)).toEqual(
      golden.batches.map((batch) => ({
        baseOffset: batch.baseOffset,
        records: plainRecords(batch.records, batch.baseOffset),
        ...(batch.control === undefined ? {} : { control: batch.control }),
      })),
    );
  });

  it('segment-v1-none.bin follows the byte layout of docs/format.md', () => {
    const fixture = readFileSync(`${FIXTURES}segment-v1-none.bin`);
    const expected = [
      // Fixed header: magic, version 1.0, flags, baseOffset 1000, offsetCount 3, batchCount 1, dataStart 88,
      // totalLength 169, headerCrc (checked below), reserved.
      '4b4c4753 01 00 0000 00000000000003e8 00000003 00000001 00000058 000000a9 ________ 00000000',
      // Directory entry: relativeOffset 0, offsetCount 3, position 88, length 81, producerId, baseSequence 7,
      // writerEpoch 3, maxTimestamp T0 + 2, attributes 0, reserved.
      '00000000 00000003 00000058 00000051 0123456789abcdef 00000007 00000003 0000018bcfe56802 00 00000000000000',
      // Batch header: crc (checked below), version 1, attributes 0, reserved, producerId, baseSequence 7,
      // writerEpoch 3, recordCount 3, baseTimestamp T0, maxTimestamp T0 + 2, uncompressedLength 33.
      '________ 01 00 0000 0123456789abcdef 00000007 00000003 00000003 0000018bcfe56800 0000018bcfe56802 00000021',
      // Record 0: length 14, timestampDelta 0, offsetDelta 0, key "k", value "hello", 1 header: "h" = null.
      '1c 00 00 02 6b 0a 68656c6c6f 02 02 68 01',
      // Record 1: length 10, timestampDelta 2, offsetDelta 1, key null, value empty, 1 header: "é" = "x".
      '14 04 02 01 00 02 04 c3a9 02 78',
      // Record 2: length 6, timestampDelta 1, offsetDelta 2, key "k", value null, no headers.
      '0c 02 04 02 6b 01 00',
    ]
      .join('')
      .replaceAll(' ', '');
    const actual = fixture.toString('hex');
    expect(actual.replace(/^(.{64}).{8}/, '$1________').replace(/^(.{176}).{8}/, '$1________')).toBe(expected);

    // headerCrc covers bytes 0..31 and the directory; the batch crc covers the batch from its byte 4 to its end.
    expect(fixture.readUInt32BE(32)).toBe(crc32c(fixture.subarray(40, 88), crc32c(fixture.subarray(0, 32))));
    expect(fixture.readUInt32BE(88)).toBe(crc32c(fixture.subarray(92)));
  });

  it('keeps encoding identical whatever batches are built from', () => {
    // A batch is position independent: the same batch bytes appear in segments at different base offsets.
    const batch: EncodedBatch = encodeBatch(SMALL_RECORDS, PRODUCER);
    const atZero = Buffer.from(encodeSegment(0n, [batch]));
    const atMillion = Buffer.from(encodeSegment(1_000_000n, [batch]));
    expect(atZero.subarray(88).equals(atMillion.subarray(88))).toBe(true);
    expect(atZero.subarray(88).equals(readFileSync(`${FIXTURES}segment-v1-none.bin`).subarray(88))).toBe(true);
  });
});
