/**
 * The read path of one partition (design brief §6). A reader positioned at offset X finds the segment that
 * holds X, reads it whole or, when it is large, with range GETs of its header and then only the batches needed,
 * and from then on polls the next key from the known segment end: a GET that is a 404 until data arrives. A
 * position below the log start is an offset-out-of-range error, for the consumer's reset policy to handle.
 * Control batches are never returned.
 *
 * Finding X: below `meta.indexedEndOffset` through the chain of index objects `meta.json` names (the newest index,
 * whose chain directory names the one covering X: at most two GETs after meta, never a LIST of `index/`, which may
 * show index objects outside the chain); the index is kept, so the segments after X come from it without LISTs or
 * 404s, and the next index is one GET of the key at its end (keys are unique, so below the indexed end that key is
 * the chain's next index); at or after it with a LIST of the unindexed `log/` segments. Indexed ranges may be
 * compacted into large `data/` segments, and the small originals deleted after a grace period: a segment that was
 * listed or found in an index but is gone when read makes the reader locate X again (meta and index), so a
 * consumer sees each retained record exactly once and never mistakes a compacted segment for the end of the log.
 * A reader that is behind fetches the next few segments at once when it knows their keys (read-ahead.ts).
 */
import { type PartitionLogOptions, partitionLogDefaults } from '../config.js';
import { KlogError } from '../errors.js';
import type { PartitionIndex } from '../format/partition-index.js';
import {
  type BatchEntry,
  type DecodedBatch,
  decodeBatch,
  decodeSegmentHeader,
  type SegmentHeader,
  type StoredRecord,
  scanBatch,
} from '../format/segment.js';
import { type PartitionRef, segmentKey } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { findIndexCovering, readIndexAt, segmentAt, segmentsForTimestamp } from './partition-index.js';
import { listSegmentsAhead, ReadAhead } from './read-ahead.js';
import { type RecordRun, type RunReadResult, scannedRun } from './record-run.js';
import { listSegments, readSegmentHead, type SegmentRef } from './segment-list.js';
import { getWithRetries } from './store-reads.js';
import { endOfLog, requireMeta } from './tail.js';

export interface ReadOptions {
  /** Stop adding batches once this many stored bytes are read; at least one batch is always returned. */
  maxBytes?: number;
}

export interface ReadResult {
  /** Records at or after the requested offset, in offset order, without control records. */
  records: StoredRecord[];
  /** The offset to read next: after the last batch read, or the requested offset when nothing was there. */
  nextOffset: bigint;
}

export const readDefaults = {
  /** Bytes per read call; larger reads mean fewer GETs per MB (Kafka's fetch.max.bytes is 50 MiB). */
  maxBytes: 1024 * 1024,
  /**
   * A reader polling the key after a segment end sees 404s while the partition is idle. Every this-many
   * misses it LISTs instead, which notices a log start that moved past its position (retention).
   */
  listEveryMisses: 8,
  /**
   * How often in a row a reader locates an offset again because the segment it found vanished before its GET
   * (compaction's originals deleted after the grace period, or retention) before it reports the store unavailable.
   */
  relocateAttempts: 8,
  /**
   * Segments a reader that is behind fetches at once (read-ahead.ts), within the read's `maxBytes`. A reader
   * learns that it is behind when it reads `listAfterHits` segments in a row at the boundary: it then LISTs the
   * next `listAheadLimit` keys instead of finding each one with a GET of its own.
   */
  readAheadSegments: 4,
  listAfterHits: 2,
  listAheadLimit: 100,
} as const;

/** What one segment's part of a read gives: records, or runs (one of the two stays empty), and bytes read. */
interface SegmentPart {
  records: StoredRecord[];
  runs: RecordRun[];
  nextOffset: bigint;
  bytes: number;
}

interface LoadedSegment {
  key: string;
  header: SegmentHeader;
  /** The whole object when it was read whole; null when only its head was read (range reads follow). */
  bytes: Uint8Array | null;
}

export class PartitionReader {
  readonly ref: PartitionRef;
  private readonly store: ObjectStore;
  private readonly options: PartitionLogOptions;
  private current: LoadedSegment | null = null;
  /** An offset known to be where the next segment starts (the end of the last segment read). */
  private boundary: bigint | null = null;
  private missesAtBoundary = 0;
  /** The index object the last indexed segment came from: the following segments are found in it. */
  private index: PartitionIndex | null = null;
  /** Segments known from a LIST to follow the position, in offset order: what read-ahead may fetch. */
  private upcoming: SegmentRef[] = [];

  constructor(store: ObjectStore, ref: PartitionRef, options: Partial<PartitionLogOptions> = {}) {
    this.store = store;
    this.ref = ref;
    this.options = { ...partitionLogDefaults, ...options };
  }

  async earliestOffset(): Promise<bigint> {
    return (await requireMeta(this.store, this.ref)).logStartOffset;
  }

  async latestOffset(): Promise<bigint> {
    const meta = await requireMeta(this.store, this.ref);
    return endOfLog(this.store, this.ref, meta.logStartOffset, this.options.headerReadBytes, meta.indexedEndOffset);
  }

  /** Reads batches from `offset` on, across segments, until `maxBytes` or the end of the log. */
  async read(offset: bigint, options: ReadOptions = {}): Promise<ReadResult> {
    const { records, nextOffset } = await this.readParts(offset, options, false);
    return { records, nextOffset };
  }

  /**
   * Reads as `read` does, but builds no records: each batch is checked and measured now (corruption is reported
   * here, as by `read`) and its records are built when a run's `records()` is called (record-run.ts).
   */
  async readRuns(offset: bigint, options: ReadOptions = {}): Promise<RunReadResult> {
    const { runs, nextOffset } = await this.readParts(offset, options, true);
    return { runs, nextOffset };
  }

  private async readParts(
    offset: bigint,
    options: ReadOptions,
    lazy: boolean,
  ): Promise<{ records: StoredRecord[]; runs: RecordRun[]; nextOffset: bigint }> {
    let budget = options.maxBytes ?? readDefaults.maxBytes;
    let records: StoredRecord[] = [];
    const runs: RecordRun[] = [];
    let nextOffset = offset;
    let vanished = 0;
    let loadedSinceList = 0;
    const ahead = new ReadAhead(this.store, readDefaults.readAheadSegments, this.options.rangeReadThresholdBytes);
    try {
      while (budget > 0) {
        let segment: LoadedSegment | null;
        if (this.holds(this.current, nextOffset)) {
          segment = this.current;
        } else {
          if (loadedSinceList >= readDefaults.listAfterHits && this.upcomingFrom(nextOffset).length === 0) {
            this.upcoming = await listSegmentsAhead(this.store, this.ref, nextOffset, readDefaults.listAheadLimit);
            loadedSinceList = 0;
          }
          const fetchedAhead = await this.loadAhead(nextOffset, budget, ahead);
          if (fetchedAhead !== undefined) {
            segment = fetchedAhead;
          } else {
            segment = await this.load(nextOffset);
            loadedSinceList++;
          }
        }
        if (segment === null) break;
        const part = await this.readFrom(segment, nextOffset, budget, nextOffset === offset, lazy);
        if (part === null) {
          // The segment was deleted after its header was read: locate the offset again.
          this.current = null;
          if (++vanished > readDefaults.relocateAttempts) throw this.unavailable(nextOffset);
          continue;
        }
        if (records.length === 0) records = part.records;
        else for (const record of part.records) records.push(record);
        for (const run of part.runs) runs.push(run);
        budget -= part.bytes;
        nextOffset = part.nextOffset;
        // Stop inside a segment (the budget ran out) rather than fetching the next one.
        if (part.bytes === 0 || nextOffset < segment.header.endOffset) break;
      }
    } finally {
      ahead.discard();
    }
    return { records, runs, nextOffset };
  }

  /**
   * The segments known to follow each other from `offset` on: from the kept index when it covers `offset`, else
   * from the last LIST. Empty when the next segment's key is not known.
   */
  private upcomingFrom(offset: bigint): readonly SegmentRef[] {
    const limit = readDefaults.readAheadSegments;
    const index = this.index;
    if (index !== null && offset >= index.baseOffset && offset < index.endOffset) {
      const entry = segmentAt(index, offset);
      if (entry === undefined || entry.baseOffset !== offset) return [];
      const at = index.segments.indexOf(entry);
      return index.segments.slice(at, at + limit);
    }
    const at = this.upcoming.findIndex((segment) => segment.baseOffset >= offset);
    if (at < 0 || this.upcoming[at]!.baseOffset !== offset) {
      this.upcoming = [];
      return [];
    }
    if (at > 0) this.upcoming = this.upcoming.slice(at);
    return this.upcoming.slice(0, limit);
  }

  /**
   * The segment at `offset` through read-ahead, with GETs of the following ones started within `budget`.
   * Undefined when read-ahead does not know the segment or it vanished: the caller then takes the ordinary path,
   * which locates the offset again (a 404 there means what it always means).
   */
  private async loadAhead(offset: bigint, budget: number, ahead: ReadAhead): Promise<LoadedSegment | undefined> {
    const upcoming = this.upcomingFrom(offset);
    const first = upcoming[0];
    if (first === undefined) return undefined;
    ahead.start(upcoming, budget);
    const taken = ahead.take(offset);
    if (taken === undefined) return undefined;
    // The segment taken is no longer in flight: start the next ones with what is left of the budget after it.
    ahead.start(upcoming.slice(1), budget - taken.size);
    const object = await taken.result;
    if (object === null) {
      this.upcoming = [];
      ahead.discard();
      return undefined;
    }
    const header = decodeSegmentHeader(object.body, first.key);
    if (header.baseOffset !== offset) return undefined;
    return this.remember({ key: first.key, header, bytes: object.body });
  }

  /** The first offset whose record has a timestamp at or after `timestamp`, or null when there is none. */
  async offsetForTimestamp(timestamp: number): Promise<bigint | null> {
    for (let attempt = 0; attempt < readDefaults.relocateAttempts; attempt++) {
      const found = await this.searchTimestamp(timestamp);
      if (found !== 'vanished') return found;
    }
    throw this.unavailable(-1n);
  }

  /** One search from fresh metadata; 'vanished' when a segment was deleted under it (compaction, retention). */
  private async searchTimestamp(timestamp: number): Promise<bigint | null | 'vanished'> {
    const meta = await requireMeta(this.store, this.ref);
    // The chain directory carries each index's largest timestamp and index entries each segment's: index objects
    // and indexed segments stamped before `timestamp` are skipped without reading them or their headers.
    for await (const segment of segmentsForTimestamp(this.store, this.ref, meta, timestamp)) {
      if (segment.maxTimestamp !== undefined && segment.maxTimestamp < timestamp) continue;
      const head = await readSegmentHead(this.store, segment.key, this.options.headerReadBytes);
      if (head === null) return 'vanished';
      const entry = head.header.batches.find((batch) => !batch.control && batch.maxTimestamp >= timestamp);
      if (entry === undefined) continue;
      const loaded: LoadedSegment = { key: segment.key, header: head.header, bytes: head.complete ? head.bytes : null };
      const bytes = await this.readBatches(loaded, [entry]);
      if (bytes === null) return 'vanished';
      const record = this.decode(loaded, bytes, [entry])[0]?.records.find(
        (candidate) => candidate.timestamp >= timestamp,
      );
      if (record !== undefined) return record.offset;
    }
    return null;
  }

  private holds(segment: LoadedSegment | null, offset: bigint): segment is LoadedSegment {
    return segment !== null && offset >= segment.header.baseOffset && offset < segment.header.endOffset;
  }

  private async load(offset: bigint): Promise<LoadedSegment | null> {
    const indexed = await this.loadFromIndex(offset);
    if (indexed !== undefined) return indexed;
    if (offset === this.boundary) {
      const key = segmentKey(this.ref, offset);
      const object = await getWithRetries(this.store, key);
      if (object !== null)
        return this.remember({ key, header: decodeSegmentHeader(object.body, key), bytes: object.body });
      this.missesAtBoundary++;
      // The first miss at a boundary checks whether the offset was indexed meanwhile (its `log/` original may be
      // gone after compaction); later misses are an idle partition, and only every few of them LIST.
      if (this.missesAtBoundary === 1) return this.checkBoundary(offset);
      if (this.missesAtBoundary % readDefaults.listEveryMisses !== 0) return null;
    }
    return this.locate(offset);
  }

  /**
   * The first 404 at a boundary: meta alone tells whether the offset was indexed meanwhile (then it is located
   * through the index, as its `log/` original may be gone after compaction) or fell below the log start. A reader
   * that follows the tail gets such a 404 after every segment it catches up with, so this costs one GET, not a
   * LIST and a GET of the segment just read; the LISTs of every few misses still catch anything else.
   */
  private async checkBoundary(offset: bigint): Promise<LoadedSegment | null> {
    const meta = await requireMeta(this.store, this.ref);
    if (offset < meta.logStartOffset) throw this.outOfRange(offset, `below the log start ${meta.logStartOffset}`);
    if (offset < meta.indexedEndOffset) return this.locate(offset);
    return null;
  }

  /**
   * The segment holding `offset` from the index kept from the last indexed read, or from the index object that
   * starts where that one ends (one GET). Undefined when no kept index leads to `offset`; null when the segment
   * vanished and locating again found nothing to read.
   */
  private async loadFromIndex(offset: bigint): Promise<LoadedSegment | null | undefined> {
    if (this.index !== null && offset === this.index.endOffset) {
      this.index = await readIndexAt(this.store, this.ref, offset);
    }
    const entry = this.index === null ? undefined : segmentAt(this.index, offset);
    if (entry === undefined) return undefined;
    const loaded = await this.loadSegment(entry.key, entry.size);
    if (loaded !== null) return loaded;
    this.index = null;
    return this.locate(offset);
  }

  /**
   * Finds the segment holding `offset`: through the index objects below the indexed end, else with a LIST of the
   * unindexed segments; checks the offset against the log start and end. A segment that vanishes between being
   * found and being read (compacted originals after the grace period, retention) makes it start over from meta.
   */
  private async locate(offset: bigint): Promise<LoadedSegment | null> {
    for (let attempt = 0; attempt < readDefaults.relocateAttempts; attempt++) {
      const found = await this.locateOnce(offset);
      if (found !== 'vanished') return found;
    }
    throw this.unavailable(offset);
  }

  private async locateOnce(offset: bigint): Promise<LoadedSegment | null | 'vanished'> {
    const meta = await requireMeta(this.store, this.ref);
    if (offset < meta.logStartOffset) throw this.outOfRange(offset, `below the log start ${meta.logStartOffset}`);
    if (offset < meta.indexedEndOffset) {
      const index = await findIndexCovering(this.store, meta, offset);
      const entry = index === null ? undefined : segmentAt(index, offset);
      if (index === null || entry === undefined) return 'vanished';
      const loaded = await this.loadSegment(entry.key, entry.size);
      if (loaded === null) return 'vanished';
      this.index = index;
      return loaded;
    }
    const from = meta.indexedEndOffset > meta.logStartOffset ? meta.indexedEndOffset : meta.logStartOffset;
    const segments = await listSegments(this.store, this.ref, from);
    this.upcoming = segments;
    let candidate = segments[0];
    for (const segment of segments) {
      if (segment.baseOffset > offset) break;
      candidate = segment;
    }
    if (candidate === undefined || candidate.baseOffset > offset) {
      if (offset > from) throw this.outOfRange(offset, `above the log end ${from}`);
      this.atBoundary(offset);
      return null;
    }
    const loaded = await this.loadSegment(candidate.key, candidate.size);
    if (loaded === null) return 'vanished';
    if (offset < loaded.header.endOffset) return loaded;
    if (candidate === segments.at(-1) && offset > loaded.header.endOffset) {
      throw this.outOfRange(offset, `above the log end ${loaded.header.endOffset}`);
    }
    this.atBoundary(offset);
    return null;
  }

  private async loadSegment(key: string, size: number): Promise<LoadedSegment | null> {
    if (size <= this.options.rangeReadThresholdBytes) {
      const object = await getWithRetries(this.store, key);
      if (object === null) return null;
      return this.remember({ key, header: decodeSegmentHeader(object.body, key), bytes: object.body });
    }
    const head = await readSegmentHead(this.store, key, this.options.headerReadBytes);
    if (head === null) return null;
    return this.remember({ key, header: head.header, bytes: head.complete ? head.bytes : null });
  }

  private remember(segment: LoadedSegment): LoadedSegment {
    this.current = segment;
    this.atBoundary(segment.header.endOffset);
    return segment;
  }

  private atBoundary(offset: bigint): void {
    if (this.boundary !== offset) this.missesAtBoundary = 0;
    this.boundary = offset;
  }

  /**
   * Reads whole batches of one segment, from the one holding `offset`, within `maxBytes` (but at least one):
   * decoded, or `lazy` as runs of scanned batches.
   */
  private async readFrom(
    segment: LoadedSegment,
    offset: bigint,
    maxBytes: number,
    atLeastOne: boolean,
    lazy: boolean,
  ): Promise<SegmentPart | null> {
    const { header } = segment;
    const first = header.batches.findIndex(
      (entry) => offset < header.baseOffset + BigInt(entry.relativeOffset + entry.offsetCount),
    );
    const chosen: BatchEntry[] = [];
    let bytes = 0;
    for (const entry of header.batches.slice(Math.max(first, 0))) {
      if ((chosen.length > 0 || !atLeastOne) && bytes + entry.length > maxBytes) break;
      chosen.push(entry);
      bytes += entry.length;
    }
    const batchBytes = await this.readBatches(segment, chosen);
    if (batchBytes === null) return null;
    const last = chosen.at(-1);
    const nextOffset = last === undefined ? offset : header.baseOffset + BigInt(last.relativeOffset + last.offsetCount);
    if (lazy) return { records: [], runs: this.scan(segment, batchBytes, chosen, offset), nextOffset, bytes };
    let records: StoredRecord[] = [];
    for (const batch of this.decode(segment, batchBytes, chosen)) {
      if (batch.control) continue;
      const batchRecords = batch.records;
      // Only the first batch can start before `offset`; the others are taken whole without comparing offsets.
      let from = 0;
      while (from < batchRecords.length && batchRecords[from]!.offset < offset) from++;
      if (records.length === 0 && from === 0) {
        records = batchRecords;
        continue;
      }
      for (let index = from; index < batchRecords.length; index++) records.push(batchRecords[index]!);
    }
    return { records, runs: [], nextOffset, bytes };
  }

  private decode(segment: LoadedSegment, batchBytes: Uint8Array[], entries: BatchEntry[]): DecodedBatch[] {
    return entries.map((entry, index) =>
      decodeBatch(batchBytes[index]!, entry, segment.header.baseOffset, segment.key),
    );
  }

  /** The data batches as runs from `offset` on; control batches are decoded (checked) and left out. */
  private scan(segment: LoadedSegment, batchBytes: Uint8Array[], entries: BatchEntry[], offset: bigint): RecordRun[] {
    const runs: RecordRun[] = [];
    const { key } = segment;
    const { baseOffset } = segment.header;
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]!;
      const bytes = batchBytes[index]!;
      if (entry.control) {
        decodeBatch(bytes, entry, baseOffset, key);
        continue;
      }
      const batch = scanBatch(bytes, entry, baseOffset, key);
      // Only the first batch can start before `offset`.
      const from = offset > batch.baseOffset ? Number(offset - batch.baseOffset) : 0;
      if (from < batch.sizes.length) runs.push(scannedRun(batch, from));
    }
    return runs;
  }

  /**
   * The bytes of the given batches, with one range GET covering them when the segment was not read whole. Null
   * when the segment was deleted meanwhile; the caller locates the offset again.
   */
  private async readBatches(segment: LoadedSegment, entries: BatchEntry[]): Promise<Uint8Array[] | null> {
    const first = entries[0];
    const last = entries.at(-1);
    if (first === undefined || last === undefined) return [];
    let bytes = segment.bytes;
    let origin = 0;
    if (bytes === null) {
      const object = await getWithRetries(this.store, segment.key, {
        offset: first.position,
        length: last.position + last.length - first.position,
      });
      if (object === null) return null;
      bytes = object.body;
      origin = first.position;
    }
    const source = bytes;
    return entries.map((entry) => source.subarray(entry.position - origin, entry.position - origin + entry.length));
  }

  private unavailable(offset: bigint): KlogError {
    return new KlogError(
      'STORE_UNAVAILABLE',
      `Segments of ${this.ref.topic}/${this.ref.partition} kept vanishing while locating offset ${offset}; try again.`,
      { context: { topic: this.ref.topic, partition: this.ref.partition, offset }, retriable: true },
    );
  }

  private outOfRange(offset: bigint, why: string): KlogError {
    return new KlogError(
      'OFFSET_OUT_OF_RANGE',
      `Offset ${offset} of ${this.ref.topic}/${this.ref.partition} is ${why}. Seek to the earliest or latest offset.`,
      { context: { topic: this.ref.topic, partition: this.ref.partition, offset } },
    );
  }
}
