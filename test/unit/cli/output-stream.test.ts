import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputStream } from '../../../cli/output-stream.js';

/** A stream that keeps what it is given, fails with `failWith` from the `failAt`-th write, and may be slow. */
function sink(options: { failWith?: string; failAt?: number; highWaterMark?: number; delayMs?: number } = {}) {
  const written: string[] = [];
  let writes = 0;
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      writes++;
      if (options.failWith !== undefined && writes >= (options.failAt ?? 1)) {
        callback(Object.assign(new Error(options.failWith), { code: options.failWith }));
        return;
      }
      written.push(chunk.toString());
      setTimeout(callback, options.delayMs ?? 0);
    },
  });
  return { stream, written };
}

describe('OutputStream', () => {
  it('writes each piece whole, in order', async () => {
    const { stream, written } = sink();
    const output = new OutputStream(stream, () => undefined);
    await output.write(Buffer.from('a\n'));
    await output.write(Buffer.from('b\n'));
    await new Promise((resolve) => stream.end(resolve));
    expect(written.join('')).toBe('a\nb\n');
  });

  it('waits for a slow reader instead of buffering without bound', async () => {
    const { stream } = sink({ highWaterMark: 4, delayMs: 20 });
    const output = new OutputStream(stream, () => undefined);
    await output.write(Buffer.from('12345678'));
    expect(stream.writableLength).toBe(0);
  });

  it('treats a closed pipe (EPIPE) as the end: calls onClosed once, drops later writes, reports no error', async () => {
    const { stream, written } = sink({ failWith: 'EPIPE', failAt: 2 });
    let closedCalls = 0;
    let output!: OutputStream;
    const closed = new Promise<void>((resolve) => {
      output = new OutputStream(stream, () => {
        closedCalls++;
        resolve();
      });
    });
    await output.write(Buffer.from('first\n'));
    await output.write(Buffer.from('second\n'));
    await closed;
    await output.write(Buffer.from('third\n'));
    expect(written).toEqual(['first\n']);
    expect(closedCalls).toBe(1);
    expect(output.closed).toBe(true);
    expect(output.error).toBeUndefined();
  });

  it('keeps any other write error for the command to report', async () => {
    const { stream } = sink({ failWith: 'EIO' });
    let output!: OutputStream;
    const closed = new Promise<boolean>((resolve) => {
      output = new OutputStream(stream, () => resolve(true));
    });
    await output.write(Buffer.from('x'));
    expect(await closed).toBe(true);
    expect(output.error).toMatchObject({ code: 'EIO' });
  });
});
