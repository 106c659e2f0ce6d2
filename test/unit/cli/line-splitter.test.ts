import { describe, expect, it } from 'vitest';
import { type InputLine, LineSplitter } from '../../../cli/line-splitter.js';

function split(chunks: string[], maxLineBytes = 100): (string | { tooLong: number })[] {
  const splitter = new LineSplitter(maxLineBytes);
  const lines: InputLine[] = [];
  for (const chunk of chunks) lines.push(...splitter.push(Buffer.from(chunk)));
  lines.push(...splitter.end());
  return lines.map((line) => ('bytes' in line ? line.bytes.toString() : { tooLong: line.tooLongBytes }));
}

describe('LineSplitter', () => {
  it('gives one line per newline; a final newline adds no empty line', () => {
    expect(split(['a\nb\n'])).toEqual(['a', 'b']);
  });

  it('keeps a last line without a newline, and empty lines in the middle', () => {
    expect(split(['a\n\nb'])).toEqual(['a', '', 'b']);
  });

  it('gives nothing for empty input', () => {
    expect(split([])).toEqual([]);
    expect(split([''])).toEqual([]);
  });

  it('joins lines that span chunks', () => {
    expect(split(['ab', 'c\nd', 'e', '\nf'])).toEqual(['abc', 'de', 'f']);
  });

  it('drops the \\r of a CRLF line ending, even when it ends a chunk', () => {
    expect(split(['a\r\nb\r', '\nc\r'])).toEqual(['a', 'b', 'c']);
  });

  it('numbers lines from 1, counting empty ones', () => {
    const splitter = new LineSplitter(10);
    const numbers = [...splitter.push(Buffer.from('a\n\nb\nc')), ...splitter.end()].map((line) => line.number);
    expect(numbers).toEqual([1, 2, 3, 4]);
  });

  it('reports a line over the limit with its length instead of keeping it, across chunks too', () => {
    expect(split(['123456\nok\n'], 5)).toEqual([{ tooLong: 6 }, 'ok']);
    expect(split(['1234', '5678', '90\nok'], 5)).toEqual([{ tooLong: 10 }, 'ok']);
    expect(split(['12345\r\n'], 5)).toEqual(['12345']);
  });

  it('reports an unterminated line over the limit at the end of the input', () => {
    expect(split(['ok\n1234', '5678'], 5)).toEqual(['ok', { tooLong: 8 }]);
  });

  it('hands out bytes as they are, not decoded', () => {
    const splitter = new LineSplitter(10);
    const [line] = splitter.push(Buffer.from([0xff, 0x00, 0xfe, 0x0a]));
    expect(line).toEqual({ number: 1, bytes: Buffer.from([0xff, 0x00, 0xfe]) });
  });
});
