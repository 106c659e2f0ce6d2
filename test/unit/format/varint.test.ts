import { describe, expect, it } from 'vitest';
import {
  MAX_VARLONG_MAGNITUDE,
  type ReadCursor,
  readVarint,
  readVarlong,
  VarintError,
  varintSize,
  varlongSize,
  writeVarint,
  writeVarlong,
} from '../../../sdk/format/varint.js';

function cursorOver(bytes: number[]): ReadCursor {
  return { bytes: Uint8Array.from(bytes), pos: 0, end: bytes.length };
}

function encodeVarint(value: number): number[] {
  const buf = new Uint8Array(5);
  const end = writeVarint(buf, 0, value);
  return Array.from(buf.subarray(0, end));
}

function encodeVarlong(value: number): number[] {
  const buf = new Uint8Array(10);
  const end = writeVarlong(buf, 0, value);
  return Array.from(buf.subarray(0, end));
}

/** A plain bigint zigzag varlong, as Kafka's ByteUtils.writeVarlong writes it, to check the number version. */
function referenceVarlong(value: bigint): number[] {
  let zigzag = value >= 0n ? value << 1n : (-value << 1n) - 1n;
  const out: number[] = [];
  while (zigzag > 0x7fn) {
    out.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  out.push(Number(zigzag));
  return out;
}

describe('varint', () => {
  // The same vectors as Kafka's ByteUtilsTest, so that klog's records read like Kafka's.
  const kafkaVectors: [number, number[]][] = [
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [63, [0x7e]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [-65, [0x81, 0x01]],
    [8191, [0xfe, 0x7f]],
    [-8192, [0xff, 0x7f]],
    [8192, [0x80, 0x80, 0x01]],
    [-8193, [0x81, 0x80, 0x01]],
    [1048575, [0xfe, 0xff, 0x7f]],
    [-1048576, [0xff, 0xff, 0x7f]],
    [1048576, [0x80, 0x80, 0x80, 0x01]],
    [-1048577, [0x81, 0x80, 0x80, 0x01]],
    [134217727, [0xfe, 0xff, 0xff, 0x7f]],
    [-134217728, [0xff, 0xff, 0xff, 0x7f]],
    [134217728, [0x80, 0x80, 0x80, 0x80, 0x01]],
    [-134217729, [0x81, 0x80, 0x80, 0x80, 0x01]],
    [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];

  it.each(kafkaVectors)('writes %d as Kafka does and reads it back', (value, bytes) => {
    expect(encodeVarint(value)).toEqual(bytes);
    expect(varintSize(value)).toBe(bytes.length);
    const cursor = cursorOver(bytes);
    expect(readVarint(cursor)).toBe(value);
    expect(cursor.pos).toBe(bytes.length);
  });

  it('writes at the given position and returns the position after the value', () => {
    const buf = new Uint8Array(8).fill(0xaa);
    expect(writeVarint(buf, 3, 300)).toBe(5);
    expect(Array.from(buf)).toEqual([0xaa, 0xaa, 0xaa, 0xd8, 0x04, 0xaa, 0xaa, 0xaa]);
  });

  it('reads consecutive values with one cursor', () => {
    const buf = new Uint8Array(20);
    let pos = 0;
    for (const value of [5, -300, 70000, -1]) pos = writeVarint(buf, pos, value);
    const cursor: ReadCursor = { bytes: buf, pos: 0, end: pos };
    expect([readVarint(cursor), readVarint(cursor), readVarint(cursor), readVarint(cursor)]).toEqual([
      5, -300, 70000, -1,
    ]);
    expect(cursor.pos).toBe(pos);
  });

  it('rejects a varint cut off by the end of its data', () => {
    expect(() => readVarint(cursorOver([0x80, 0x80]))).toThrow(VarintError);
    expect(() => readVarint({ bytes: Uint8Array.from([0x80, 0x01]), pos: 0, end: 1 })).toThrow(VarintError);
    expect(() => readVarint(cursorOver([]))).toThrow(VarintError);
  });

  it('rejects a varint longer than 32 bits', () => {
    expect(() => readVarint(cursorOver([0xff, 0xff, 0xff, 0xff, 0x1f]))).toThrow(VarintError);
    expect(() => readVarint(cursorOver([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(VarintError);
  });

  it('does not move the cursor when a read fails', () => {
    const cursor = cursorOver([0x80]);
    expect(() => readVarint(cursor)).toThrow(VarintError);
    expect(cursor.pos).toBe(0);
  });
});

describe('varlong', () => {
  const values = [
    0,
    -1,
    1,
    63,
    -64,
    64,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 31) - 1,
    2 ** 32,
    1_700_000_000_000,
    -1_700_000_000_000,
    2 ** 49 + 12345,
    MAX_VARLONG_MAGNITUDE,
    -MAX_VARLONG_MAGNITUDE,
  ];

  it.each(values)('writes %d as Kafka does and reads it back', (value) => {
    const bytes = encodeVarlong(value);
    expect(bytes).toEqual(referenceVarlong(BigInt(value)));
    expect(varlongSize(value)).toBe(bytes.length);
    const cursor = cursorOver(bytes);
    expect(readVarlong(cursor)).toBe(value);
    expect(cursor.pos).toBe(bytes.length);
  });

  it('reads what Kafka writes for small values with the varint encoding', () => {
    for (const value of [0, -1, 1, 300, -300, 2 ** 30]) expect(encodeVarlong(value)).toEqual(encodeVarint(value));
  });

  it('rejects a varlong cut off by the end of its data', () => {
    expect(() => readVarlong(cursorOver([0xff, 0xff]))).toThrow(VarintError);
  });

  it('rejects a varlong longer than 10 bytes', () => {
    expect(() => readVarlong(cursorOver(new Array(11).fill(0x80)))).toThrow(VarintError);
  });

  it('rejects a varlong beyond what a number holds exactly', () => {
    expect(() => readVarlong(cursorOver(referenceVarlong(2n ** 60n)))).toThrow(VarintError);
    expect(() => readVarlong(cursorOver(referenceVarlong(-(2n ** 53n))))).toThrow(VarintError);
  });
});
