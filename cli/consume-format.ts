/**
 * How `klog consume` prints a record as text: Kafka's console-consumer layout (the `--print-*` flags) or kcat's
 * `--format` tokens. Each record becomes one Buffer, written whole, so that stopping never prints half a record.
 */
import type { ConsumedHeaders, ConsumedMessage } from '../sdk/consumer/consumed-message.js';
import { KlogError } from '../sdk/errors.js';
import { type ByteEncoding, encodeForText } from './byte-encoding.js';
import { unescapeText } from './escapes.js';

export interface OutputRecord {
  topic: string;
  partition: number;
  message: ConsumedMessage;
}

export type RecordFormatter = (record: OutputRecord) => Buffer;

export interface ConsoleLayout {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  /** Between the printed fields (Kafka's key.separator; backslash escapes already applied). */
  separator: string;
  encoding: ByteEncoding;
}

const NULL_TEXT = Buffer.from('null');
const NEWLINE = Buffer.from('\n');

/**
 * Kafka's console consumer (DefaultMessageFormatter): `CreateTime:<ms>`, `Partition:<n>`, `Offset:<n>`, headers as
 * `key:value,key:value` (or `NO_HEADERS`), the key, then the value, each printed field followed by the separator
 * and the record by a newline. A null key or value prints as `null`.
 */
export function consoleFormatter(layout: ConsoleLayout): RecordFormatter {
  const separator = Buffer.from(layout.separator, 'utf8');
  const bytes = (value: Buffer | null) => (value === null ? NULL_TEXT : encodeForText(value, layout.encoding));
  return ({ partition, message }) => {
    const parts: Buffer[] = [];
    const field = (value: Buffer) => parts.push(value, separator);
    if (layout.printTimestamp) field(Buffer.from(`CreateTime:${message.timestamp}`));
    if (layout.printPartition) field(Buffer.from(`Partition:${partition}`));
    if (layout.printOffset) field(Buffer.from(`Offset:${message.offset}`));
    if (layout.printHeaders) field(headerText(message.headers, ':', layout.encoding) ?? Buffer.from('NO_HEADERS'));
    if (layout.printKey) field(bytes(message.key));
    parts.push(bytes(message.value), NEWLINE);
    return Buffer.concat(parts);
  };
}

/** One piece of a compiled `--format`: literal bytes, or a function of the record. */
type Piece = Buffer | ((record: OutputRecord) => Buffer);

const TOKENS: Record<string, (encoding: ByteEncoding) => (record: OutputRecord) => Buffer> = {
  t: () => (record) => Buffer.from(record.topic),
  p: () => (record) => Buffer.from(String(record.partition)),
  o: () => (record) => Buffer.from(record.message.offset),
  T: () => (record) => Buffer.from(record.message.timestamp),
  k: (encoding) => (record) => orEmpty(record.message.key, encoding),
  s: (encoding) => (record) => orEmpty(record.message.value, encoding),
  K: () => (record) => Buffer.from(String(record.message.key?.length ?? -1)),
  S: () => (record) => Buffer.from(String(record.message.value?.length ?? -1)),
  h: (encoding) => (record) => headerText(record.message.headers, '=', encoding) ?? Buffer.alloc(0),
};

/**
 * kcat's `-f`: `%t` topic, `%p` partition, `%o` offset, `%T` timestamp (ms), `%k` key, `%s` value, `%K` and `%S`
 * their lengths in bytes (-1 for null), `%h` headers as `key=value,key=value`, `%%` a percent sign; `\n`, `\t`,
 * `\r`, `\0` and `\\` as in escapes.ts. As in kcat, nothing is added: end the format with `\n` for one record a
 * line. A null key or value prints as nothing.
 */
export function formatFormatter(format: string, encoding: ByteEncoding): RecordFormatter {
  const pieces: Piece[] = [];
  let literal = '';
  for (let index = 0; index < format.length; index++) {
    const char = format[index]!;
    if (char !== '%') {
      literal += char;
      continue;
    }
    const token = format[++index];
    if (token === '%') {
      literal += '%';
      continue;
    }
    const make = token === undefined ? undefined : TOKENS[token];
    if (make === undefined) throw unknownToken(format, token);
    if (literal !== '') pieces.push(Buffer.from(unescapeText(literal), 'utf8'));
    literal = '';
    pieces.push(make(encoding));
  }
  if (literal !== '') pieces.push(Buffer.from(unescapeText(literal), 'utf8'));
  return (record) => Buffer.concat(pieces.map((piece) => (Buffer.isBuffer(piece) ? piece : piece(record))));
}

function orEmpty(bytes: Buffer | null, encoding: ByteEncoding): Buffer {
  return bytes === null ? Buffer.alloc(0) : encodeForText(bytes, encoding);
}

/** Headers as `key<between>value` joined by commas, in record order; null when there are none. */
function headerText(headers: ConsumedHeaders, between: string, encoding: ByteEncoding): Buffer | null {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (parts.length > 0) parts.push(Buffer.from(','));
      parts.push(Buffer.from(`${key}${between}`), encodeForText(one, encoding));
    }
  }
  return parts.length === 0 ? null : Buffer.concat(parts);
}

function unknownToken(format: string, token: string | undefined): KlogError {
  const shown = token === undefined ? 'a "%" at the end' : `"%${token}"`;
  return new KlogError(
    'INVALID_ARGUMENT',
    `--format ${JSON.stringify(format)} has ${shown}, which is not a token. Use %t topic, %p partition, ` +
      '%o offset, %T timestamp, %k key, %s value, %K and %S their lengths, %h headers, %% for a percent sign.',
    { context: { format } },
  );
}
