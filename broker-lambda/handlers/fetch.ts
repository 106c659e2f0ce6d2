/**
 * `GET .../partitions/{p}/records?offset=&maxBytes=&waitMs=`: records from `offset`, binary frames when the caller
 * accepts `application/vnd.klog.batch`, JSON otherwise. With `waitMs`, a partition that has nothing at `offset` is
 * polled (1 GET a poll, backing off) until records arrive, the time is up or the caller goes away.
 */

import type { PartitionReadHandle } from '../../sdk/backend/backend.js';
import { encodeFetchBody, recordToJson } from '../../sdk/backend/broker-records.js';
import { BATCH_CONTENT_TYPE, BrokerHeaders } from '../../sdk/backend/broker-wire.js';
import type { Compression } from '../../sdk/format/compression.js';
import type { ReadResult } from '../../sdk/log/partition-reader.js';
import { bytesResponse, jsonResponse } from '../broker-http.js';
import type { Handler, HandlerContext } from '../handler-context.js';
import { offsetValue, partitionParam, queryChoice, queryNumber } from './input.js';

const ENCODINGS = ['utf8', 'base64'] as const;
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy'];

export const fetchRecords: Handler = async (context) => {
  const ref = await partitionParam(context);
  const { limits, request } = context;
  const offset = offsetValue(request.query.get('offset'), 'offset');
  const maxBytes = queryNumber(context, 'maxBytes', 1, limits.maxFetchBytes) ?? limits.defaultFetchBytes;
  const waitMs = queryNumber(context, 'waitMs', 0, limits.maxWaitMs) ?? 0;
  const binary = (request.headers[BrokerHeaders.accept] ?? '').includes(BATCH_CONTENT_TYPE);
  const encoding = queryChoice(context, 'encoding', ENCODINGS, 'utf8');
  const compression = queryChoice(context, 'compression', COMPRESSIONS, 'none');

  const result = await readWaiting(context, context.readers.get(ref), offset, maxBytes, waitMs);
  const next = { [BrokerHeaders.nextOffset]: result.nextOffset.toString() };
  if (binary) {
    const body = encodeFetchBody(result.records, compression);
    context.note({ bytes: body.length });
    return bytesResponse(200, BATCH_CONTENT_TYPE, body, next);
  }
  const records = result.records.map((record) => recordToJson(record, encoding));
  return jsonResponse(200, { records, nextOffset: result.nextOffset.toString(), encoding }, next);
};

async function readWaiting(
  context: HandlerContext,
  reader: PartitionReadHandle,
  offset: bigint,
  maxBytes: number,
  waitMs: number,
): Promise<ReadResult> {
  const deadline = Date.now() + waitMs;
  const { fetchPollMinMs, fetchPollMaxMs } = context.limits;
  const signal = context.request.signal;
  for (let polls = 0; ; polls++) {
    const result = await reader.read(offset, { maxBytes });
    const nothing = result.records.length === 0 && result.nextOffset === offset;
    const left = deadline - Date.now();
    if (!nothing || left <= 0 || signal?.aborted === true) return result;
    await pause(Math.min(left, fetchPollMinMs * 2 ** Math.min(polls, 10), fetchPollMaxMs), signal);
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
