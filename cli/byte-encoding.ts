/**
 * How `klog consume` prints keys, values and header values, chosen with `--encoding`:
 *
 * - `utf8` (the default): text output writes the bytes exactly as stored, as Kafka's console consumer and kcat
 *   do; JSON output decodes them as UTF-8, where bytes that are not valid UTF-8 become U+FFFD (JSON strings
 *   cannot hold arbitrary bytes).
 * - `base64`: every key, value and header value is printed in base64, in text and JSON alike, so binary records
 *   survive exactly (decode with `base64 -d`, or Buffer.from(text, 'base64')).
 */
export const encodings = ['utf8', 'base64'] as const;

export type ByteEncoding = (typeof encodings)[number];

/** Bytes for text output. */
export function encodeForText(bytes: Buffer, encoding: ByteEncoding): Buffer {
  return encoding === 'utf8' ? bytes : Buffer.from(bytes.toString('base64'), 'latin1');
}

/** A string for JSON output. */
export function encodeForJson(bytes: Buffer, encoding: ByteEncoding): string {
  return bytes.toString(encoding);
}
