import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressLine, type ProgressStream } from '../../../../cli/bench/progress-line.js';

function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return {
    isTTY,
    columns,
    written,
    write(text: string) {
      written.push(text);
      return true;
    },
  };
}

describe('ProgressLine', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('redraws in place on a terminal at most 4 times a second, and erases itself when stopped', () => {
    const stream = fakeStream(true);
    let step = 0;
    const line = new ProgressLine(() => `step ${++step}`, { stream });
    line.start();
    vi.advanceTimersByTime(1000);
    expect(stream.written).toEqual(['\r\x1b[2Kstep 1', '\r\x1b[2Kstep 2', '\r\x1b[2Kstep 3', '\r\x1b[2Kstep 4']);
    line.stop();
    vi.advanceTimersByTime(1000);
    expect(stream.written.slice(4)).toEqual(['\r\x1b[2K']);
  });

  it('writes nothing at all when the stream is a pipe', () => {
    const stream = fakeStream(false);
    const line = new ProgressLine(() => 'progress', { stream });
    expect(line.enabled).toBe(false);
    line.start();
    vi.advanceTimersByTime(5000);
    line.stop();
    expect(stream.written).toEqual([]);
  });

  it('cuts the line to the terminal width so that it never wraps', () => {
    const stream = fakeStream(true, 10);
    const line = new ProgressLine(() => 'abcdefghijklmnop', { stream });
    line.start();
    vi.advanceTimersByTime(250);
    line.stop();
    expect(stream.written[0]).toBe('\r\x1b[2Kabcdefghi');
  });
});
