/**
 * Encoding and decoding speed of the segment format: 1,000,000 records with 100-byte values, in batches of
 * 10,000 (a producer's flush), uncompressed. Prints records/s for each direction; the producer's goal is
 * 500,000+ records/s, so encoding must take a small part of that budget.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/encode-batch.js
 */
import { decodeSegment, encodeBatch, encodeSegment, type LogRecord } from '../sdk/format/segment.js';

const TOTAL_RECORDS = 1_000_000;
const BATCH_SIZE = 10_000;
const VALUE_BYTES = 100;
const ROUNDS = 3;

function makeBatch(start: number): LogRecord[] {
  const records: LogRecord[] = [];
  const now = Date.now();
  for (let i = 0; i < BATCH_SIZE; i++) {
    // From Buffer's shared pool, as values made with Buffer.from(string) are, rather than one ArrayBuffer each.
    const value = Buffer.allocUnsafe(VALUE_BYTES).fill((start + i) % 251);
    records.push({ key: null, value, headers: [], timestamp: now + (i % 7) });
  }
  return records;
}

function measure(label: string, run: () => void): void {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  const perSecond = Math.round(TOTAL_RECORDS / best);
  console.log(`${label}: ${perSecond.toLocaleString('en-US')} records/s (best of ${ROUNDS}, ${best.toFixed(3)} s)`);
}

const batches = Array.from({ length: TOTAL_RECORDS / BATCH_SIZE }, (_, i) => makeBatch(i * BATCH_SIZE));
const meta = { producerId: 42n, baseSequence: 0, writerEpoch: 1 };

function encodeAll(keep: Uint8Array[] | null): number {
  let bytes = 0;
  let offset = 0n;
  for (const records of batches) {
    const segment = encodeSegment(offset, [encodeBatch(records, meta)]);
    bytes += segment.length;
    keep?.push(segment);
    offset += BigInt(records.length);
  }
  return bytes;
}

// A producer sends each segment and drops it, so the encode measurement keeps none of them alive.
let encodedBytes = 0;
measure('encode (encodeBatch + encodeSegment)', () => {
  encodedBytes = encodeAll(null);
});
console.log(`  ${(encodedBytes / TOTAL_RECORDS).toFixed(1)} bytes per record in the segments`);

const segments: Uint8Array[] = [];
encodeAll(segments);

let decoded = 0;
measure('decode (decodeSegment)', () => {
  decoded = 0;
  for (const segment of segments) {
    for (const batch of decodeSegment(segment, 'bench').batches) decoded += batch.records.length;
  }
});
if (decoded !== TOTAL_RECORDS) throw new Error(`decoded ${decoded} records, expected ${TOTAL_RECORDS}`);
