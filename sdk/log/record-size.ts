/**
 * The size of a record as `maxMessageBytes` counts it: key, value, and header keys and values. Framing
 * bytes are left out so the limit means what users expect ("a 1 MiB value fits a 1 MiB limit" is not
 * promised, but "the payload I sent" is what is measured).
 */
import type { LogRecord } from '../format/segment.js';

export function recordPayloadBytes(record: LogRecord): number {
  let bytes = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers) {
    bytes += Buffer.byteLength(header.key, 'utf8') + (header.value?.length ?? 0);
  }
  return bytes;
}

/** A description of why the record is too large, or null when it fits. */
export function recordSizeProblem(record: LogRecord, maxMessageBytes: number): string | null {
  const bytes = recordPayloadBytes(record);
  return bytes > maxMessageBytes ? recordSizeText(bytes, maxMessageBytes) : null;
}

/** Why a record of `bytes` payload bytes is too large. */
export function recordSizeText(bytes: number, maxMessageBytes: number): string {
  return `${bytes} bytes, over the limit of ${maxMessageBytes} (maxMessageBytes)`;
}
