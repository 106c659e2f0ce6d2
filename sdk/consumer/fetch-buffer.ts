/**
 * The consumer's memory bound: records that were fetched but not yet handled by the application never add
 * up to more than `maxBytes` (Kafka's `fetch.max.bytes` shape, but a hard bound on what is held, not a size
 * per request).
 *
 * Bytes are counted as payload bytes: key, value, and header keys and values (`recordPayloadBytes`, the
 * measure of `maxMessageBytes` and of the client's counters). Stored batch bytes would not do: a compressed
 * batch is held decompressed once read, and records are admitted one by one. A read measures each record when it
 * checks its batch, without building it (sdk/log/record-run.ts).
 *
 * A read first reserves the bytes it asks for, so that concurrent reads do not all count on the same free
 * space; when it returns, records are admitted from the first on while they fit under the bound, and the
 * rest are dropped (the partition reads them again later). The one allowed excess: a single record larger
 * than the whole bound is admitted when nothing else is buffered, or it could never be delivered.
 */
export interface Admission {
  /** Records admitted, from the first. */
  count: number;
  /** Their payload bytes, in all. */
  bytes: number;
  /** Payload bytes of the first record left out, or 0 when every record was admitted. */
  firstLeftOut: number;
}

export class FetchBuffer {
  readonly maxBytes: number;
  private buffered = 0;
  private reserved = 0;
  private highWater = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Payload bytes of the records admitted and not yet released. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** The largest `bufferedBytes` ever reached: what the bound is measured against. */
  get maxBufferedBytes(): number {
    return this.highWater;
  }

  /** Bytes a new read may ask for now: the bound less what is buffered and what reads in flight reserved. */
  get room(): number {
    return Math.max(0, this.maxBytes - this.buffered - this.reserved);
  }

  reserve(bytes: number): void {
    this.reserved += bytes;
  }

  /** Gives back a reservation whose read failed or was discarded. */
  unreserve(bytes: number): void {
    this.reserved -= bytes;
  }

  /**
   * Gives back `reservation` and admits records from the first while they fit under the bound. `sizes` are the
   * payload bytes of the read's records, `length` of them.
   */
  admit(reservation: number, sizes: Uint32Array, length = sizes.length): Admission {
    this.reserved -= reservation;
    const room = this.maxBytes - this.buffered;
    let bytes = 0;
    let count = 0;
    let firstLeftOut = 0;
    while (count < length) {
      const size = sizes[count]!;
      const alone = count === 0 && this.buffered === 0;
      if (bytes + size > room && !alone) {
        firstLeftOut = size;
        break;
      }
      count++;
      bytes += size;
    }
    this.buffered += bytes;
    if (this.buffered > this.highWater) this.highWater = this.buffered;
    return { count, bytes, firstLeftOut };
  }

  /** Frees the bytes of records the application has handled (or that a seek or stop dropped). */
  release(bytes: number): void {
    this.buffered -= bytes;
  }
}
