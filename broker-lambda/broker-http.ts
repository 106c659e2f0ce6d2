/**
 * The broker's requests and answers, as the router sees them: plain data, the same for the Node adapter and the
 * Lambda adapter, which translate their own shapes to and from these.
 */
import { BrokerHeaders, errorToBody, JSON_CONTENT_TYPE, statusForError } from '../sdk/backend/broker-wire.js';
import type { KlogError } from '../sdk/errors.js';

export interface BrokerRequest {
  /** Upper case, as HTTP sends it. */
  method: string;
  /** The path without the query string, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array;
  /** The id this request is logged under and answered with (`klog-request-id`). */
  requestId: string;
  /** Aborted when the caller went away (the Node adapter), so that a long-poll stops waiting. */
  signal?: AbortSignal;
}

export interface BrokerResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): BrokerResponse {
  return {
    status,
    headers: { [BrokerHeaders.contentType]: JSON_CONTENT_TYPE, ...headers },
    body: Buffer.from(JSON.stringify(value), 'utf8'),
  };
}

export function bytesResponse(
  status: number,
  contentType: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
) {
  return { status, headers: { [BrokerHeaders.contentType]: contentType, ...headers }, body } satisfies BrokerResponse;
}

export function errorResponse(error: KlogError, headers: Record<string, string> = {}): BrokerResponse {
  return jsonResponse(statusForError(error), errorToBody(error), headers);
}
