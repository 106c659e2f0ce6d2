/**
 * A live progress line for `klog bench`, on a terminal only: a pipe or a file gets nothing, so logs and
 * scripts see only the final output. The line is redrawn in place (carriage return, erase line) from a timer
 * at most every `intervalMs` (4 times a second by default), never once per record, and is cut to the
 * terminal's width so that it never wraps (a wrapped line cannot be redrawn in place).
 */

/** What the line needs of a stream: process.stderr fits. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface ProgressLineOptions {
  stream?: ProgressStream;
  intervalMs?: number;
}

const ERASE_LINE = '\r\x1b[2K';

export class ProgressLine {
  private readonly render: () => string;
  private readonly stream: ProgressStream;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  /** `render` returns the line's text; it is called on each redraw. */
  constructor(render: () => string, options: ProgressLineOptions = {}) {
    this.render = render;
    this.stream = options.stream ?? process.stderr;
    this.intervalMs = options.intervalMs ?? 250;
  }

  /** Whether anything will be drawn: only when the stream is a terminal. */
  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  start(): void {
    if (!this.enabled || this.timer !== undefined) return;
    this.timer = setInterval(() => this.draw(), this.intervalMs);
    // The line must never keep a finished command alive.
    this.timer.unref();
  }

  /** Stops redrawing and erases the line, so that the final output starts on a clean line. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.stream.write(ERASE_LINE);
    this.drawn = false;
  }

  private draw(): void {
    const width = this.stream.columns;
    const text = this.render();
    const fitted = width !== undefined && width > 1 && text.length >= width ? text.slice(0, width - 1) : text;
    this.stream.write(`${ERASE_LINE}${fitted}`);
    this.drawn = true;
  }
}
