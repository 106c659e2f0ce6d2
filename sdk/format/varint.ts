/**
 * Zigzag variable-length integers, as Kafka's record format v2 writes them (and as protobuf's sint32/sint64):
 * a signed value is mapped to an unsigned one with zigzag (0, -1, 1, -2, ... become 0, 1, 2, 3, ...), then written
 * seven bits at a time, least significant group first, with the high bit of each byte set when more bytes follow.
 * A varint holds a 32-bit value (at most 5 bytes), a varlong a 64-bit one (at most 10 bytes).
 *
 * These functions sit on the hot path of every record a producer sends and a consumer reads, so they never
 * allocate: writers take a preallocated buffer and a position and return the next position; readers advance a
 * cursor the caller keeps for a whole batch.
 *
 * Varlongs are JavaScript numbers here, not bigints, because klog only stores timestamp deltas in them, and bigint
 * arithmetic would be far slower. They cover the values whose zigzag form is a safe integer (|value| < 2^52).
 */

/** Largest magnitude a varlong may hold here: its zigzag form must stay below Number.MAX_SAFE_INTEGER. */
export const MAX_VARLONG_MAGNITUDE = 2 ** 52 - 1;

const TWO_POW_7 = 128;
const TWO_POW_31 = 2 ** 31;

/**
 * A malformed or truncated varint. Decoders catch it and report the object that holds it as corrupt (this module
 * does not know which object it is reading, so it cannot build that message itself).
 */
export class VarintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VarintError';
  }
}

/** A read position in `bytes`. Reads never go past `end`, which may be smaller than `bytes.length`. */
export interface ReadCursor {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;
}

/** Bytes a varint takes for a 32-bit signed integer. */
export function varintSize(value: number): number {
  const zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  if (zigzag < 0x80) return 1;
  if (zigzag < 0x4000) return 2;
  if (zigzag < 0x200000) return 3;
  if (zigzag < 0x10000000) return 4;
  return 5;
}

/** Writes a 32-bit signed integer as a zigzag varint at `pos` and returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zigzag > 0x7f) {
    buf[pos++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buf[pos++] = zigzag;
  return pos;
}

/** Reads a zigzag varint (at most 5 bytes, 32 bits) and advances the cursor past it. */
export function readVarint(cursor: ReadCursor): number {
  const { bytes, end } = cursor;
  let pos = cursor.pos;
  let zigzag = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw new VarintError('a varint runs past the end of its data');
    const byte = bytes[pos++]!;
    if (shift === 28 && byte > 0x0f) throw new VarintError('a varint is longer than 32 bits');
    zigzag |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      cursor.pos = pos;
      return (zigzag >>> 1) ^ -(zigzag & 1);
    }
  }
  throw new VarintError('a varint is longer than 32 bits');
}

function zigzagLong(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Bytes a varlong takes for an integer with |value| <= MAX_VARLONG_MAGNITUDE. */
export function varlongSize(value: number): number {
  let zigzag = zigzagLong(value);
  let size = 1;
  while (zigzag >= TWO_POW_7) {
    zigzag = Math.floor(zigzag / TWO_POW_7);
    size++;
  }
  return size;
}

/** Writes an integer with |value| <= MAX_VARLONG_MAGNITUDE as a zigzag varlong and returns the next position. */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  let zigzag = zigzagLong(value);
  // Above 31 bits, bitwise operators would truncate: peel off seven bits at a time with arithmetic instead.
  while (zigzag >= TWO_POW_31) {
    buf[pos++] = (zigzag % TWO_POW_7) | 0x80;
    zigzag = Math.floor(zigzag / TWO_POW_7);
  }
  while (zigzag > 0x7f) {
    buf[pos++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buf[pos++] = zigzag;
  return pos;
}

/**
 * Reads a zigzag varlong and advances the cursor past it. A varlong whose value does not fit in
 * ±MAX_VARLONG_MAGNITUDE is reported as malformed: klog never writes one.
 */
export function readVarlong(cursor: ReadCursor): number {
  const { bytes, end } = cursor;
  let pos = cursor.pos;
  let zigzag = 0;
  let scale = 1;
  for (let groups = 0; groups < 10; groups++) {
    if (pos >= end) throw new VarintError('a varlong runs past the end of its data');
    const byte = bytes[pos++]!;
    zigzag += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (zigzag > Number.MAX_SAFE_INTEGER) throw new VarintError('a varlong is larger than klog ever writes');
      cursor.pos = pos;
      return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    }
    scale *= TWO_POW_7;
  }
  throw new VarintError('a varlong is longer than 64 bits');
}
