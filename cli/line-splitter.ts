/**
 * Splits a byte stream into lines for `klog produce`, one chunk at a time, so that input is sent as it arrives
 * instead of being read whole. Lines end at `\n`; a `\r` before it is dropped (a file saved on Windows), as
 * Kafka's console producer reads lines. A last line without a newline still counts; an empty input, or a final
 * newline, adds no line.
 *
 * Works on bytes, not text: a value is sent exactly as it was read, whatever its encoding. Memory is bounded: a
 * line longer than `maxLineBytes` is not kept; it is reported as too long (with its length) once it ends.
 */

/** One line of input, numbered from 1. `bytes` is a view on the input chunk, not a copy. */
export type InputLine = { number: number; bytes: Buffer } | { number: number; tooLongBytes: number };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  private readonly maxLineBytes: number;
  /** The start of a line that has not ended yet (a copy, since its chunk is not kept). */
  private partial: Buffer | null = null;
  /** Bytes of the current line seen so far, while it is over the limit and being skipped. */
  private skipped = -1;
  private lineNumber = 0;

  constructor(maxLineBytes: number) {
    this.maxLineBytes = maxLineBytes;
  }

  /** The lines that end in this chunk; the rest is kept for the next chunk. */
  push(chunk: Buffer): InputLine[] {
    const lines: InputLine[] = [];
    let start = 0;
    let end = chunk.indexOf(NEWLINE, start);
    while (end !== -1) {
      lines.push(this.finish(chunk.subarray(start, end)));
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
    return lines;
  }

  /** The last line, when the input did not end with a newline. */
  end(): InputLine[] {
    if (this.partial === null && this.skipped < 0) return [];
    return [this.finish(Buffer.alloc(0))];
  }

  private keep(rest: Buffer): void {
    if (this.skipped >= 0) {
      this.skipped += rest.length;
      return;
    }
    const length = (this.partial?.length ?? 0) + rest.length;
    if (length > this.maxLineBytes + 1) {
      // One byte of slack: the line may still end with a "\r" that is not part of it.
      this.skipped = length;
      this.partial = null;
      return;
    }
    this.partial = this.partial === null ? Buffer.from(rest) : Buffer.concat([this.partial, rest]);
  }

  private finish(tail: Buffer): InputLine {
    const number = ++this.lineNumber;
    if (this.skipped >= 0) {
      const total = this.skipped + tail.length;
      this.skipped = -1;
      return { number, tooLongBytes: total };
    }
    let bytes = this.partial === null ? tail : Buffer.concat([this.partial, tail]);
    this.partial = null;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, -1);
    if (bytes.length > this.maxLineBytes) return { number, tooLongBytes: bytes.length };
    return { number, bytes };
  }
}
