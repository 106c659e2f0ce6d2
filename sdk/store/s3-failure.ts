/**
 * What a failed S3 request tells the store, in the terms its outcomes need: did the server answer (and with
 * which status and error code), was the client not configured, or did the request fail on the way, before or
 * after it could have reached the server. Failures come from two clients: the store's lean signed HTTP client
 * (s3-signed-http.ts) for GET, HEAD, PUT and DELETE, and the AWS SDK for LIST and for the configuration
 * (region, credentials) both share.
 */
import { STATUS_CODES } from 'node:http';
import { type S3HttpResponse, S3TransportError } from './s3-signed-http.js';

export type S3Failure =
  /** The server answered with an error status. */
  | { kind: 'answered'; status: number; code: string; message: string }
  /** The request could not be built (no credentials, no region): nothing was sent, and retrying won't help. */
  | { kind: 'unconfigured'; missing: 'credentials' | 'region'; message: string }
  /** The connection was never established, so nothing was sent. */
  | { kind: 'not-sent'; message: string }
  /** The connection was up when it failed: the server may have received and applied the request. */
  | { kind: 'maybe-sent'; message: string };

/** An error answer from S3: its status and the `<Code>` of its XML error body. */
export class S3ErrorAnswer extends Error {
  override readonly name = 'S3ErrorAnswer';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Error codes for a connection that was never established: the request cannot have reached the server. */
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** S3's error bodies are a few hundred bytes; anything past this is not an S3 error document. */
const ERROR_BODY_SCAN_BYTES = 4096;

const XML_ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" };

const CODE_ELEMENT = /<Code>([^<]*)<\/Code>/;
const MESSAGE_ELEMENT = /<Message>([^<]*)<\/Message>/;

function elementText(xml: string, element: RegExp): string | undefined {
  return element.exec(xml)?.[1]?.replace(/&(?:lt|gt|amp|quot|apos);/g, (entity) => XML_ENTITIES[entity] ?? entity);
}

/**
 * The error in a non-2xx answer. S3 names it in the body (`<Error><Code>NoSuchKey</Code>...`); a HEAD answer
 * has no body, so its code is the status's name without spaces (`NotFound`, `PreconditionFailed`), as the SDK
 * names it.
 */
export function errorAnswer(response: S3HttpResponse): S3ErrorAnswer {
  const xml = response.body.length === 0 ? '' : response.body.toString('utf8', 0, ERROR_BODY_SCAN_BYTES);
  const statusName = (STATUS_CODES[response.status] ?? 'Unknown').replace(/[^A-Za-z]/g, '');
  const code = elementText(xml, CODE_ELEMENT) || statusName;
  const message =
    elementText(xml, MESSAGE_ELEMENT) || `${response.status} ${STATUS_CODES[response.status] ?? 'Unknown'}`;
  return new S3ErrorAnswer(response.status, code, message);
}

/**
 * Sorts a failure by whether the request could have taken effect.
 *
 * An HTTP answer is the server's verdict. Without one, the only failures that prove nothing was sent are
 * configuration errors (missing credentials or region) and those of connection setup. The lean client knows
 * whether its connection was established; for the SDK's errors, setup failures are recognised by the
 * `connect`/`getaddrinfo` syscall, one of NOT_CONNECTED_CODES, or the connect-timeout message. Everything else
 * happened on an established connection (a reset, a broken pipe, a request or idle timeout) and may have come
 * after the server received the whole body, so it counts as "maybe sent". A reset on a reused keep-alive
 * connection is often harmless, but it cannot be told apart from a server that applied the write and then
 * died, so it is treated as maybe sent too: when unsure, ambiguous.
 */
export function classifyFailure(error: unknown): S3Failure {
  if (error instanceof S3ErrorAnswer) {
    return { kind: 'answered', status: error.status, code: error.code, message: error.message };
  }
  if (error instanceof S3TransportError) {
    return { kind: error.mayHaveReachedServer ? 'maybe-sent' : 'not-sent', message: error.message };
  }
  const details = error as { $metadata?: { httpStatusCode?: number }; name?: string; message?: string };
  const message = details.message || details.name || String(error);
  const status = details.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 300) {
    return { kind: 'answered', status, code: details.name ?? 'Unknown', message };
  }
  if (details.name === 'CredentialsProviderError') return { kind: 'unconfigured', missing: 'credentials', message };
  if (message === 'Region is missing') return { kind: 'unconfigured', missing: 'region', message };
  return { kind: neverConnected(error) ? 'not-sent' : 'maybe-sent', message };
}

function neverConnected(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, syscall, message, errors } = error as {
    code?: string;
    syscall?: string;
    message?: string;
    errors?: unknown[];
  };
  // Node's happy-eyeballs connect reports one AggregateError for all the addresses it tried.
  if (Array.isArray(errors) && errors.length > 0) return errors.every(neverConnected);
  if (syscall === 'connect' || syscall === 'getaddrinfo') return true;
  if (code !== undefined && NOT_CONNECTED_CODES.has(code)) return true;
  return message?.includes('did not establish a connection') ?? false;
}

/** A server answer that means "try again later": throttling, overload and most 5xx. */
export function isTransientAnswer(failure: S3Failure & { kind: 'answered' }): boolean {
  if (failure.status === 501) return false;
  // S3's 400 RequestTimeout means it gave up waiting for the body, so nothing was stored.
  if (failure.status === 400 && failure.code === 'RequestTimeout') return true;
  return failure.status === 429 || failure.status >= 500;
}
