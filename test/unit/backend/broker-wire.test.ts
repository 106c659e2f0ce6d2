import { describe, expect, it } from 'vitest';
import { decodeFetchBody, encodeFetchBody, parseJsonProduceBody } from '../../../sdk/backend/broker-records.js';
import { errorFromAnswer, errorToBody, statusForError } from '../../../sdk/backend/broker-wire.js';
import { KlogError } from '../../../sdk/errors.js';
import type { StoredRecord } from '../../../sdk/format/segment.js';

function record(offset: bigint, value: string): StoredRecord {
  return { offset, key: null, value: Buffer.from(value), headers: [{ key: 'h', value: null }], timestamp: 5 };
}

describe('broker wire: fetch frames', () => {
  it('round-trips records across offset gaps, compressed or not', () => {
    const records = [record(3n, 'a'), record(4n, 'b'), record(6n, 'c'), record(2n ** 40n, 'd')];
    for (const compression of ['none', 'gzip', 'snappy'] as const) {
      const decoded = decodeFetchBody(encodeFetchBody(records, compression));
      expect(decoded.map((r) => [r.offset, Buffer.from(r.value ?? []).toString(), r.headers[0]?.key])).toEqual(
        records.map((r) => [r.offset, Buffer.from(r.value ?? []).toString(), 'h']),
      );
    }
    expect(decodeFetchBody(encodeFetchBody([]))).toEqual([]);
  });

  it('reports a truncated answer as corrupt', () => {
    const body = encodeFetchBody([record(0n, 'a')]);
    expect(() => decodeFetchBody(body.subarray(0, body.length - 3))).toThrow(/truncated/);
  });
});

describe('broker wire: errors', () => {
  it('keeps code, retriable flag and context through the error body', () => {
    const error = new KlogError('UNKNOWN_OUTCOME', 'lost', { context: { topic: 't', offset: 5n } });
    expect(statusForError(error)).toBe(503);
    const back = errorFromAnswer(503, JSON.parse(JSON.stringify(errorToBody(error))), 'http://b');
    expect(back).toMatchObject({ code: 'UNKNOWN_OUTCOME', retriable: true, message: 'lost' });
    expect(back.context).toEqual({ topic: 't', offset: '5', endpoint: 'http://b' });
  });

  it('maps answers without a klog body from their status', () => {
    expect(errorFromAnswer(403, { Message: 'Forbidden' }, 'u')).toMatchObject({
      code: 'AUTH_FAILED',
      retriable: false,
    });
    expect(errorFromAnswer(502, undefined, 'u')).toMatchObject({ code: 'BROKER_UNAVAILABLE', retriable: true });
    expect(errorFromAnswer(413, 'too big', 'u').code).toBe('REQUEST_TOO_LARGE');
  });
});

describe('broker wire: JSON produce bodies', () => {
  it('reads base64 values, header objects and an idempotent producer', () => {
    const request = parseJsonProduceBody(
      { records: [{ value: 'aGk=', headers: { a: 'Yg==' } }], encoding: 'base64', producerId: '12', baseSequence: 3 },
      1000,
    );
    expect(Buffer.from(request.records[0]?.value ?? []).toString()).toBe('hi');
    expect(Buffer.from(request.records[0]?.headers[0]?.value ?? []).toString()).toBe('b');
    expect(request.records[0]?.timestamp).toBe(1000);
    expect([request.producerId, request.baseSequence]).toEqual([12n, 3]);
  });

  it('names the field of a bad value', () => {
    expect(() => parseJsonProduceBody({ records: [{ value: '***' }], encoding: 'base64' })).toThrow(
      /records\[0\]\.value is not valid base64/,
    );
    expect(() => parseJsonProduceBody({ records: [{ value: 'a' }], producerId: '1' })).toThrow(/baseSequence/);
  });
});
