import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../../../cli/consume-format.js';
import { jsonEnvelope, jsonLine } from '../../../cli/json-envelope.js';

const record: OutputRecord = {
  topic: 'orders',
  partition: 1,
  message: {
    key: Buffer.from('k'),
    value: Buffer.from('héllo'),
    headers: { a: Buffer.from('1'), b: [Buffer.from('x'), Buffer.from('y')] },
    timestamp: '1700000000000',
    offset: '9007199254740993',
    attributes: 0,
    size: 0,
  },
};

describe('jsonEnvelope', () => {
  it('has the fields {topic, partition, offset, timestamp, headers, key, value}, offsets as exact strings', () => {
    expect(jsonEnvelope(record, 'utf8')).toEqual({
      topic: 'orders',
      partition: 1,
      offset: '9007199254740993',
      timestamp: '1700000000000',
      headers: { a: '1', b: ['x', 'y'] },
      key: 'k',
      value: 'héllo',
    });
  });

  it('prints null keys and values as null', () => {
    const envelope = jsonEnvelope({ ...record, message: { ...record.message, key: null, value: null } }, 'utf8');
    expect(envelope).toMatchObject({ key: null, value: null });
  });

  it('replaces bytes that are not UTF-8 under utf8, and keeps them exactly under base64', () => {
    const binary = Buffer.from([0x61, 0xff, 0x62]);
    const message = { ...record.message, value: binary, headers: { h: binary } };
    expect(jsonEnvelope({ ...record, message }, 'utf8')).toMatchObject({
      value: 'a\ufffdb',
      headers: { h: 'a\ufffdb' },
    });
    const encoded = jsonEnvelope({ ...record, message }, 'base64');
    expect(Buffer.from(encoded.value!, 'base64')).toEqual(binary);
    expect(encoded.headers).toEqual({ h: binary.toString('base64') });
  });

  it('keeps a header named __proto__ as a header', () => {
    const headers = {};
    Object.defineProperty(headers, '__proto__', { value: Buffer.from('p'), enumerable: true, writable: true });
    const envelope = jsonEnvelope({ ...record, message: { ...record.message, headers } }, 'utf8');
    expect(Object.keys(envelope.headers)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(envelope.headers)).toBe(Object.prototype);
    expect(JSON.stringify(envelope)).toContain('"headers":{"__proto__":"p"}');
  });

  it('is one line of JSON per record', () => {
    const line = jsonLine(record, 'utf8').toString();
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(jsonEnvelope(record, 'utf8'));
  });
});
