/**
 * Backslash escapes in separators and `--format` strings. A tab is awkward to type in a shell, so the tools
 * take `\t` for it, as kcat does: `\t`, `\n`, `\r`, `\0` and `\\` are understood; any other backslash stays as it
 * is, so a Windows-style path or a regular expression passes through unchanged.
 */
const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '0': '\0', '\\': '\\' };

export function unescapeText(text: string): string {
  return text.replace(/\\([tnr0\\])/g, (_, letter: string) => ESCAPES[letter]!);
}

/** The inverse for messages: a separator shown as `"\t"` rather than as an invisible character. */
export function showText(text: string): string {
  return JSON.stringify(text);
}
