/**
 * Where `klog consume` writes records: standard output, with its backpressure respected (a slow reader slows
 * consumption instead of filling memory). A reader that goes away (`klog consume t | head -1`) is not an error:
 * the first failed write (EPIPE) closes the stream, later writes are dropped, and `onClosed` lets the command stop
 * quietly. Any other write error is kept in `error` for the command to report.
 */
export class OutputStream {
  private readonly stream: NodeJS.WritableStream;
  private isClosed = false;
  private failure: Error | undefined;
  private readonly closeWaiters: (() => void)[] = [];

  constructor(stream: NodeJS.WritableStream, onClosed: () => void) {
    this.stream = stream;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') this.failure ??= error;
      if (this.isClosed) return;
      this.isClosed = true;
      for (const wake of this.closeWaiters.splice(0)) wake();
      onClosed();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** A write error other than a closed pipe, if one happened. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Writes one piece whole; resolves once the stream can take more (or is closed). */
  async write(data: Buffer): Promise<void> {
    if (this.isClosed || data.length === 0) return;
    if (this.stream.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        const index = this.closeWaiters.indexOf(done);
        if (index >= 0) this.closeWaiters.splice(index, 1);
        resolve();
      };
      this.stream.on('drain', done);
      this.closeWaiters.push(done);
    });
  }
}
