import { describe, expect, it } from 'vitest';
import { lineFormat, parseHeaderFlags, parseLine } from '../../../cli/record-lines.js';

const line = (text: string) => Buffer.from(text);
const text = (bytes: Buffer | null) => (bytes === null ? null : bytes.toString());

function parse(input: string, options: Parameters<typeof lineFormat>[0]) {
  const parsed = parseLine(line(input), lineFormat(options));
  return 'problem' in parsed ? parsed : { key: text(parsed.key), value: text(parsed.value) };
}

describe('parseLine', () => {
  it('makes the whole line the value without --parse-key, an empty line an empty value', () => {
    expect(parse('a:b', { parseKey: false, keySeparator: ':' })).toEqual({ key: null, value: 'a:b' });
    expect(parse('', { parseKey: false, keySeparator: ':' })).toEqual({ key: null, value: '' });
  });

  it('splits at the first separator with --parse-key', () => {
    expect(parse('k:v:w', { parseKey: true, keySeparator: ':' })).toEqual({ key: 'k', value: 'v:w' });
    expect(parse('k\tv', { parseKey: true, keySeparator: '\t' })).toEqual({ key: 'k', value: 'v' });
    expect(parse('k::v', { parseKey: true, keySeparator: '::' })).toEqual({ key: 'k', value: 'v' });
  });

  it('keeps empty keys and values as empty, not null', () => {
    expect(parse(':', { parseKey: true, keySeparator: ':' })).toEqual({ key: '', value: '' });
  });

  it('reads a key or value equal to the null marker as null', () => {
    const options = { parseKey: true, keySeparator: ':', nullMarker: 'NULL' };
    expect(parse('NULL:v', options)).toEqual({ key: null, value: 'v' });
    expect(parse('k:NULL', options)).toEqual({ key: 'k', value: null });
    expect(parse('k:NULLS', options)).toEqual({ key: 'k', value: 'NULLS' });
    expect(parse('NULL', { parseKey: false, keySeparator: ':', nullMarker: 'NULL' })).toEqual({
      key: null,
      value: null,
    });
  });

  it('reports a line without the separator, naming the separator', () => {
    const parsed = parse('no separator', { parseKey: true, keySeparator: '\t' });
    expect(parsed).toEqual({ problem: expect.stringContaining('no key separator "\\t"') });
  });
});

describe('parseHeaderFlags', () => {
  it('splits at the first "=" and repeats a key as an array, in order', () => {
    expect(parseHeaderFlags(['a=1', 'b=x=y', 'a=2', 'c='])).toEqual({ a: ['1', '2'], b: 'x=y', c: '' });
  });

  it('keeps a header named __proto__ as a header', () => {
    const headers = parseHeaderFlags(['__proto__=x']);
    expect(Object.keys(headers)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
  });

  it('refuses a flag without "=" or without a key', () => {
    for (const flag of ['novalue', '=v']) {
      expect(() => parseHeaderFlags([flag])).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('key=value') }),
      );
    }
  });
});
