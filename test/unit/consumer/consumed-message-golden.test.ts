/**
 * The consumer's message conversion takes shortcuts (records without headers share one array, keys and values
 * are views, offset and timestamp strings are made through numbers and a one-entry cache). These tests compare
 * its messages with a plain, eager conversion on the golden segments, so that no shortcut changes what an
 * application sees.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ConsumedHeaders, toConsumedMessage } from '../../../sdk/consumer/consumed-message.js';
import { decodeSegment, type StoredRecord } from '../../../sdk/format/segment.js';
import { recordPayloadBytes } from '../../../sdk/log/record-size.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/format/', import.meta.url));

/** The conversion without shortcuts: copies, bigint `toString`, and headers built one by one. */
function eagerMessage(record: StoredRecord, size: number) {
  const headers: ConsumedHeaders = {};
  for (const header of record.headers) {
    const value = header.value === null ? Buffer.alloc(0) : Buffer.from(header.value);
    const existing = Object.hasOwn(headers, header.key) ? headers[header.key] : undefined;
    if (existing === undefined) headers[header.key] = value;
    else headers[header.key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return {
    key: record.key === null ? null : Buffer.from(record.key),
    value: record.value === null ? null : Buffer.from(record.value),
    headers,
    timestamp: record.timestamp.toString(),
    offset: record.offset.toString(),
    attributes: 0,
    size,
  };
}

describe('toConsumedMessage on the golden segments', () => {
  for (const name of ['none', 'gzip', 'snappy', 'multi-batch']) {
    it(`gives the eager conversion's messages for segment-v1-${name}`, () => {
      const { batches } = decodeSegment(readFileSync(`${FIXTURES}segment-v1-${name}.bin`), name);
      const records = batches.flatMap((batch) => batch.records);
      expect(records.length).toBeGreaterThan(0);
      for (const record of records) {
        const size = recordPayloadBytes(record);
        const message = toConsumedMessage(record, size);
        expect(message).toEqual(eagerMessage(record, size));
        if (message.value !== null) expect(Buffer.isBuffer(message.value)).toBe(true);
      }
    });
  }

  it('keeps decoded records without headers from sharing changes', () => {
    const { batches } = decodeSegment(readFileSync(`${FIXTURES}segment-v1-none.bin`), 'none');
    const bare = batches.flatMap((batch) => batch.records).find((record) => record.headers.length === 0);
    expect(bare).toBeDefined();
    expect(() => bare!.headers.push({ key: 'x', value: null })).toThrow(TypeError);
  });

  it('gives exact offsets above 2^53 and the right timestamp for every record when timestamps alternate', () => {
    const record = (offset: bigint, timestamp: number): StoredRecord => ({
      offset,
      timestamp,
      key: null,
      value: null,
      headers: [],
    });
    const big = 2n ** 53n + 3n;
    expect(toConsumedMessage(record(big, 5), 0).offset).toBe('9007199254740995');
    expect(toConsumedMessage(record(2n ** 53n - 1n, 5), 0).offset).toBe('9007199254740991');
    const timestamps = [1_700_000_000_000, 1_700_000_000_000, 1_700_000_000_001, 0, 1_700_000_000_000];
    expect(timestamps.map((timestamp) => toConsumedMessage(record(0n, timestamp), 0).timestamp)).toEqual(
      timestamps.map(String),
    );
  });
});
