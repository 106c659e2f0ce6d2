import { describe, expect, it } from 'vitest';
import { showText, unescapeText } from '../../../cli/escapes.js';

describe('unescapeText', () => {
  it('turns \\t, \\n, \\r, \\0 and \\\\ into the characters they name', () => {
    expect(unescapeText('a\\tb\\nc\\rd\\0e\\\\f')).toBe('a\tb\nc\rd\0e\\f');
  });

  it('leaves other backslashes and plain text alone', () => {
    expect(unescapeText('C:\\data\\x')).toBe('C:\\data\\x');
    expect(unescapeText(':')).toBe(':');
  });

  it('reads an escaped backslash before a letter as a backslash, not as an escape', () => {
    expect(unescapeText('\\\\t')).toBe('\\t');
  });

  it('shows invisible characters in messages', () => {
    expect(showText('\t')).toBe('"\\t"');
  });
});
