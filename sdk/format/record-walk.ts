/**
 * One walk over a batch's records section that checks every record's bounds and measures its payload without
 * building records. Two callers need it with different sources of bytes: the consumer's lazy read of stored
 * batches (segment.ts `scanBatch`, where a problem is a corrupt object) and a broker's check of a batch a client
 * encoded (produced-batch.ts, where a problem is bad input). The record layout is in segment.ts's header comment.
 */
import { isUtf8 } from 'node:buffer';
import { type ReadCursor, readVarint, readVarlong } from './varint.js';

/** The smallest header: keyLength and valueLength. */
const MIN_HEADER_BYTES = 2;

export interface RecordWalkRules {
  recordCount: number;
  baseTimestamp: number;
  maxTimestamp: number;
  /** Names the batch at the start of a problem's description, e.g. "the batch at offset 12". */
  where: string;
  /** Turns a problem's description into the error to throw. */
  fail: (problem: string) => Error;
  /**
   * Refuse header keys that are not UTF-8 (a client's bytes). Without it a header key is measured as the string
   * it decodes to, as `recordPayloadBytes` measures a decoded record.
   */
  strictHeaderKeys: boolean;
}

export interface RecordWalk {
  /** Payload bytes of each record: key, value, header keys and header values (`recordPayloadBytes`). */
  sizes: Uint32Array;
  /** The smallest and largest record timestamps. */
  smallest: number;
  largest: number;
}

/** Walks `recordCount` records; throws `fail(...)` at the first problem. Varint errors are the caller's to wrap. */
export function walkRecords(section: Uint8Array, rules: RecordWalkRules): RecordWalk {
  const { recordCount, baseTimestamp, maxTimestamp, where, fail } = rules;
  const text = Buffer.isBuffer(section) ? section : Buffer.from(section.buffer, section.byteOffset, section.byteLength);
  const cursor: ReadCursor = { bytes: text, pos: 0, end: text.length };
  const sizes = new Uint32Array(recordCount);
  let smallest = Number.POSITIVE_INFINITY;
  let largest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < recordCount; i++) {
    cursor.end = text.length;
    const length = readVarint(cursor);
    if (length < 0 || length > text.length - cursor.pos) throw fail(`${where}: record ${i} claims ${length} bytes`);
    const recordEnd = cursor.pos + length;
    cursor.end = recordEnd;
    const timestamp = baseTimestamp + readVarlong(cursor);
    if (timestamp < baseTimestamp || timestamp > maxTimestamp) {
      throw fail(`${where}: record ${i} has a timestamp outside the batch's range`);
    }
    if (timestamp < smallest) smallest = timestamp;
    if (timestamp > largest) largest = timestamp;
    if (readVarint(cursor) !== i) throw fail(`${where}: record ${i} has the wrong offset delta`);
    let size = skipField(cursor, rules, i) + skipField(cursor, rules, i);
    const headerCount = readVarint(cursor);
    if (headerCount < 0 || headerCount * MIN_HEADER_BYTES > cursor.end - cursor.pos) {
      throw fail(`${where}: record ${i} claims ${headerCount} headers`);
    }
    for (let h = 0; h < headerCount; h++) {
      const keyLength = readVarint(cursor);
      if (keyLength < 0 || keyLength > cursor.end - cursor.pos) {
        throw fail(`${where}: record ${i} has a header key of ${keyLength} bytes`);
      }
      const keyEnd = cursor.pos + keyLength;
      if (rules.strictHeaderKeys) {
        if (!isUtf8(text.subarray(cursor.pos, keyEnd)))
          throw fail(`${where}: record ${i} has a header key that is not UTF-8`);
        size += keyLength;
      } else {
        // Bytes that are not UTF-8 decode to more bytes than they are: measure what a reader gets.
        size += Buffer.byteLength(text.toString('utf8', cursor.pos, keyEnd), 'utf8');
      }
      cursor.pos = keyEnd;
      size += skipField(cursor, rules, i);
    }
    if (cursor.pos !== recordEnd) throw fail(`${where}: record ${i} has bytes after its last header`);
    sizes[i] = size;
  }
  if (cursor.pos !== text.length) throw fail(`${where} has bytes after its last record`);
  return { sizes, smallest, largest };
}

/** Steps over a key, value or header value; returns its length (0 for null). */
function skipField(cursor: ReadCursor, rules: RecordWalkRules, record: number): number {
  const length = readVarint(cursor);
  if (length === -1) return 0;
  if (length < -1 || length > cursor.end - cursor.pos) {
    throw rules.fail(`${rules.where}: record ${record} holds a field of ${length} bytes that does not fit in it`);
  }
  cursor.pos += length;
  return length;
}
