/**
 * The records of one buffered read, by index across the read's runs (sdk/log/record-run.ts). Offsets and sizes
 * come without building records; `at` builds the records of one run at a time and keeps only that run's, so
 * records live while they are delivered rather than while they wait in the fetch buffer.
 */
import type { StoredRecord } from '../format/segment.js';
import type { RecordRun } from '../log/record-run.js';

export class ChunkRecords {
  /** Records in the chunk; `truncate` lowers it when the fetch buffer admits only the first ones. */
  private count: number;
  /** Payload bytes of each record, by index. */
  readonly sizes: Uint32Array;
  private readonly runs: readonly RecordRun[];
  /** The index of each run's first record. */
  private readonly starts: number[];
  private builtRun = -1;
  private built: StoredRecord[] = [];

  constructor(runs: readonly RecordRun[]) {
    this.runs = runs;
    this.starts = [];
    let count = 0;
    for (const run of runs) {
      this.starts.push(count);
      count += run.length;
    }
    this.count = count;
    if (runs.length === 1) {
      this.sizes = runs[0]!.sizes;
    } else {
      this.sizes = new Uint32Array(count);
      for (let index = 0; index < runs.length; index++) this.sizes.set(runs[index]!.sizes, this.starts[index]);
    }
  }

  get length(): number {
    return this.count;
  }

  /** Keeps the first `count` records only. */
  truncate(count: number): void {
    if (count < this.count) this.count = count;
  }

  offsetAt(index: number): bigint {
    const run = this.runOf(index);
    return this.runs[run]!.offsetAt(index - this.starts[run]!);
  }

  /** The record at `index`, building its run's records if they are not the ones built last. */
  at(index: number): StoredRecord {
    const run = this.runOf(index);
    if (run !== this.builtRun) {
      this.built = this.runs[run]!.records();
      this.builtRun = run;
    }
    return this.built[index - this.starts[run]!]!;
  }

  /** The index of the first record from `from` on whose offset is above `offset`, or `length` when there is none. */
  firstAbove(offset: bigint, from: number): number {
    let index = from;
    while (index < this.count) {
      const run = this.runOf(index);
      const end = Math.min(this.count, this.starts[run]! + this.runs[run]!.length);
      // Whole runs at or below `offset` are stepped over by their last offset alone.
      if (this.offsetAt(end - 1) <= offset) {
        index = end;
        continue;
      }
      while (this.offsetAt(index) <= offset) index++;
      return index;
    }
    return this.count;
  }

  private runOf(index: number): number {
    if (index < 0 || index >= this.count) throw new RangeError(`No record ${index} in a chunk of ${this.count}.`);
    const built = this.builtRun;
    if (built >= 0 && index >= this.starts[built]! && index - this.starts[built]! < this.runs[built]!.length) {
      return built;
    }
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
