/**
 * CRC-32C (Castagnoli), the checksum Kafka's record batches use and S3 accepts as `x-amz-checksum-crc32c`.
 * The native implementation uses the CPU's CRC32 instruction where there is one; a JavaScript table loop would
 * cost more than encoding the records it protects.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `bytes`, continuing from `previous` (the CRC of the bytes before them) when given. Unsigned 32-bit. */
export function crc32c(bytes: Uint8Array, previous?: number): number {
  return nativeCrc32c(bytes, previous) >>> 0;
}
