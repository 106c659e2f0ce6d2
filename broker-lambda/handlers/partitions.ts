/** Partition routes that read figures: stats, earliest and latest offsets, the offset for a timestamp. */
import { type OffsetJson, partitionStatsToJson } from '../../sdk/backend/broker-wire.js';
import { MAX_TIMESTAMP_MS } from '../../sdk/format/segment.js';
import { jsonResponse } from '../broker-http.js';
import type { Handler } from '../handler-context.js';
import { invalid, partitionParam, wholeNumber } from './input.js';

export const partitionStats: Handler = async (context) => {
  const ref = await partitionParam(context);
  return jsonResponse(200, partitionStatsToJson(await context.backend.partitionStats(ref)));
};

export const earliestOffset: Handler = async (context) => {
  const reader = context.readers.get(await partitionParam(context));
  return offsetResponse(await reader.earliestOffset());
};

export const latestOffset: Handler = async (context) => {
  const reader = context.readers.get(await partitionParam(context));
  return offsetResponse(await reader.latestOffset());
};

export const offsetForTimestamp: Handler = async (context) => {
  const ref = await partitionParam(context);
  const value = context.request.query.get('timestamp');
  if (value === null) throw invalid('The query needs "timestamp", in milliseconds since the epoch.');
  const timestamp = wholeNumber(value, 'timestamp', 0, MAX_TIMESTAMP_MS);
  return offsetResponse(await context.readers.get(ref).offsetForTimestamp(timestamp));
};

function offsetResponse(offset: bigint | null) {
  const body: OffsetJson = { offset: offset === null ? null : offset.toString() };
  return jsonResponse(200, body);
}
