/**
 * The broker's HTTP API, version 1 (docs/broker-api.md): route paths, header names, the JSON shapes of results,
 * error bodies and group-object outcomes. The broker (broker-lambda/) and the remote backend both import this
 * file, so the two sides cannot drift apart. Record encodings (produce bodies, fetch frames, JSON records) are in
 * broker-records.ts.
 *
 * Offsets and other 64-bit integers travel as decimal strings: JSON numbers lose precision above 2^53.
 */
import { type ErrorCode, ErrorCodes, KlogError } from '../errors.js';
import type { PartitionStats } from '../log/partition-stats.js';
import type { AppendResult } from '../log/partition-writer.js';
import type { PartitionMaintenance, PartitionMaintenanceReport } from '../maintenance/maintenance-result.js';
import {
  committedOffsetKey,
  committedOffsetsPrefix,
  GROUPS_PREFIX,
  groupPrefix,
  groupStateKey,
  memberKey,
  membersPrefix,
  type PartitionRef,
  parseCommittedOffsetKey,
  parseGroupFromKey,
  parseMemberKey,
} from '../store/keys.js';
import type { ListedObject, ListOptions, WriteOutcome } from '../store/object-store.js';

export const BROKER_API_VERSION = 'v1';
const V1 = `/${BROKER_API_VERSION}`;

/** Content types. A produce body or fetch answer of `BATCH_CONTENT_TYPE` is binary (broker-records.ts). */
export const BATCH_CONTENT_TYPE = 'application/vnd.klog.batch';
export const JSON_CONTENT_TYPE = 'application/json';
/** Group objects are stored bytes (JSON written by sdk/group); the broker passes them through unchanged. */
export const GROUP_OBJECT_CONTENT_TYPE = 'application/json';

/** Header names, lower case (HTTP header names are case-insensitive; Node and Lambda give them lower case). */
export const BrokerHeaders = {
  /** On a fetch answer: the offset to fetch next. */
  nextOffset: 'klog-next-offset',
  /** On every answer: the id the broker logged the request under. */
  requestId: 'klog-request-id',
  etag: 'etag',
  ifMatch: 'if-match',
  ifNoneMatch: 'if-none-match',
  authorization: 'authorization',
  contentType: 'content-type',
  accept: 'accept',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Paths

function segment(value: string): string {
  return encodeURIComponent(value);
}

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

function partitionPath(ref: PartitionRef, rest = ''): string {
  return `${V1}/topics/${segment(ref.topic)}/partitions/${ref.partition}${rest}`;
}

/** Partition routes carry the topic id, so that the broker need not read topic.json to find the partition. */
function partitionQuery(ref: PartitionRef): { topicId: string } {
  return { topicId: ref.topicId };
}

export interface FetchQuery {
  offset: bigint;
  /** Stop adding batches after this many stored bytes (at least one batch is returned). */
  maxBytes?: number;
  /** Wait up to this long for records when there are none at `offset` (long-poll). */
  waitMs?: number;
}

/** Paths (with query strings) of every route, relative to the broker's base URL. */
export const brokerPaths = {
  health: () => `${V1}/health`,
  topics: () => `${V1}/topics`,
  topic: (name: string) => `${V1}/topics/${segment(name)}`,
  /** POST: grow the topic to a partition count. */
  topicPartitions: (name: string) => `${V1}/topics/${segment(name)}/partitions`,
  /** PATCH: change config entries. */
  topicConfig: (name: string) => `${V1}/topics/${segment(name)}/config`,
  partitionStats: (ref: PartitionRef) => withQuery(partitionPath(ref), partitionQuery(ref)),
  /** POST: produce one batch. */
  produce: (ref: PartitionRef) => withQuery(partitionPath(ref, '/records'), partitionQuery(ref)),
  fetch: (ref: PartitionRef, query: FetchQuery) =>
    withQuery(partitionPath(ref, '/records'), {
      ...partitionQuery(ref),
      offset: query.offset.toString(),
      maxBytes: query.maxBytes,
      waitMs: query.waitMs,
    }),
  earliestOffset: (ref: PartitionRef) => withQuery(partitionPath(ref, '/offsets/earliest'), partitionQuery(ref)),
  latestOffset: (ref: PartitionRef) => withQuery(partitionPath(ref, '/offsets/latest'), partitionQuery(ref)),
  offsetForTimestamp: (ref: PartitionRef, timestamp: number) =>
    withQuery(partitionPath(ref, '/offsets/for-timestamp'), { ...partitionQuery(ref), timestamp }),
  /** POST: one maintenance run. */
  maintenanceRuns: () => `${V1}/maintenance/runs`,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Group objects: named routes that map one-to-one onto the keys of sdk/store/keys.ts

/**
 * The route of one group object (GET, conditional PUT, DELETE). Only the objects sdk/group writes have routes:
 * a group's state, a member's heartbeat and a committed offset. Any other key is INVALID_KEY.
 */
export function groupObjectPath(key: string): string {
  const group = parseGroupFromKey(key);
  if (group !== null) {
    const base = `${V1}/groups/${segment(group)}`;
    if (key === groupStateKey(group)) return `${base}/state`;
    const instanceId = parseMemberKey(group, key);
    if (instanceId !== null) return `${base}/members/${instanceId}`;
    const offset = parseCommittedOffsetKey(group, key);
    if (offset !== null) return `${base}/offsets/${offset.topicId}/${offset.partition}`;
  }
  throw new KlogError('INVALID_KEY', `"${key}" is not a group object the broker serves (state, member, offset).`, {
    context: { key },
  });
}

/**
 * The route that lists the keys under `prefix`: every group's objects (`groups/`), one group's objects, its
 * heartbeats or its committed offsets. Any other prefix is INVALID_KEY.
 */
export function groupListPath(prefix: string, options: ListOptions = {}): string {
  const query = { startAfter: options.startAfter, limit: options.limit };
  if (prefix === GROUPS_PREFIX) return withQuery(`${V1}/groups`, query);
  const group = parseGroupFromKey(prefix);
  if (group !== null) {
    const base = `${V1}/groups/${segment(group)}`;
    if (prefix === groupPrefix(group)) return withQuery(`${base}/objects`, query);
    if (prefix === membersPrefix(group)) return withQuery(`${base}/members`, query);
    if (prefix === committedOffsetsPrefix(group)) return withQuery(`${base}/offsets`, query);
  }
  throw new KlogError('INVALID_KEY', `"${prefix}" is not a group prefix the broker lists.`, {
    context: { key: prefix },
  });
}

/** The keys behind the group routes, for the broker: the same builders sdk/group uses, so keys always agree. */
export const groupKeys = {
  state: groupStateKey,
  member: memberKey,
  offset: committedOffsetKey,
  all: () => GROUPS_PREFIX,
  group: groupPrefix,
  members: membersPrefix,
  offsets: committedOffsetsPrefix,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// JSON shapes of results

export interface AppendResultJson {
  baseOffset: string;
  lastOffset: string;
  duplicate: boolean;
}

export function appendResultToJson(result: AppendResult): AppendResultJson {
  return {
    baseOffset: result.baseOffset.toString(),
    lastOffset: result.lastOffset.toString(),
    duplicate: result.duplicate,
  };
}

export function appendResultFromJson(json: AppendResultJson): AppendResult {
  return {
    baseOffset: decimal(json.baseOffset, 'baseOffset'),
    lastOffset: decimal(json.lastOffset, 'lastOffset'),
    duplicate: json.duplicate === true,
  };
}

export interface PartitionStatsJson extends Omit<PartitionStats, 'earliestOffset' | 'latestOffset'> {
  earliestOffset: string;
  latestOffset: string;
}

export function partitionStatsToJson(stats: PartitionStats): PartitionStatsJson {
  return { ...stats, earliestOffset: stats.earliestOffset.toString(), latestOffset: stats.latestOffset.toString() };
}

export function partitionStatsFromJson(json: PartitionStatsJson): PartitionStats {
  return {
    ...json,
    earliestOffset: decimal(json.earliestOffset, 'earliestOffset'),
    latestOffset: decimal(json.latestOffset, 'latestOffset'),
  };
}

/** Answer of the earliest, latest and for-timestamp routes; `offset` is null when no record is that late. */
export interface OffsetJson {
  offset: string | null;
}

export function offsetFromJson(json: OffsetJson): bigint | null {
  return json.offset === null ? null : decimal(json.offset, 'offset');
}

export interface MaintenanceRunJson {
  partitions: PartitionMaintenanceReport[];
}

export function maintenanceFromJson(json: MaintenanceRunJson): PartitionMaintenance[] {
  return json.partitions.map((report) => ({
    ...report,
    logStartBefore: decimal(report.logStartBefore, 'logStartBefore'),
    logStartAfter: decimal(report.logStartAfter, 'logStartAfter'),
  }));
}

export interface ObjectListJson {
  objects: ListedObject[];
}

/** A decimal string as a bigint; anything else is a broker answer klog cannot use. */
export function decimal(value: unknown, field: string): bigint {
  if (typeof value === 'string' && /^(0|-?[1-9][0-9]*)$/.test(value)) return BigInt(value);
  throw new KlogError(
    'INVALID_ARGUMENT',
    `"${field}" must be a decimal integer string, got ${JSON.stringify(value)}.`,
    {
      context: { field },
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

export interface ErrorBody {
  error: { code: ErrorCode; message: string; retriable: boolean; context: Record<string, unknown> };
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_NAME: 400,
  INVALID_ARGUMENT: 400,
  INVALID_KEY: 400,
  AUTH_REQUIRED: 401,
  AUTH_FAILED: 403,
  TOPIC_NOT_FOUND: 404,
  PARTITION_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INVALID_STATE: 409,
  TOPIC_ALREADY_EXISTS: 409,
  TOPIC_DELETED: 409,
  FENCED: 409,
  OUT_OF_ORDER_SEQUENCE: 409,
  REBALANCE_IN_PROGRESS: 409,
  GROUP_NOT_EMPTY: 409,
  CLOSED: 409,
  RECORD_TOO_LARGE: 413,
  REQUEST_TOO_LARGE: 413,
  OFFSET_OUT_OF_RANGE: 416,
};

/** The HTTP status of an error: by its code; a retriable error without its own status is 503, anything else 500. */
export function statusForError(error: KlogError): number {
  return STATUS_BY_CODE[error.code] ?? (error.retriable ? 503 : 500);
}

export function errorToBody(error: KlogError): ErrorBody {
  const { code, retriable, message, context } = error.toJSON() as ErrorBody['error'];
  return { error: { code, message, retriable, context } };
}

/**
 * The KlogError of a failed answer. A klog error body keeps its code, retriable flag and context; an answer
 * without one (a proxy, Lambda's own 403 for a bad signature, a gateway timeout) gets a code from its status.
 * `endpoint` (the broker's origin) is added to the context.
 */
export function errorFromAnswer(status: number, body: unknown, endpoint: string): KlogError {
  const error = isErrorBody(body) ? body.error : null;
  if (error !== null) {
    const code = error.code in ErrorCodes ? error.code : 'INTERNAL_ERROR';
    return new KlogError(code, error.message, {
      retriable: error.retriable === true,
      context: { ...(isObject(error.context) ? error.context : {}), endpoint },
    });
  }
  const code = codeForStatus(status);
  const retriable = code === 'BROKER_UNAVAILABLE' || status >= 500;
  return new KlogError(code, `The broker at ${endpoint} answered HTTP ${status} without a klog error body.`, {
    retriable,
    context: { endpoint, status },
  });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'AUTH_REQUIRED';
  if (status === 403) return 'AUTH_FAILED';
  if (status === 404) return 'ROUTE_NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (status === 413) return 'REQUEST_TOO_LARGE';
  if (status === 429 || status === 502 || status === 503 || status === 504) return 'BROKER_UNAVAILABLE';
  if (status >= 400 && status < 500) return 'INVALID_ARGUMENT';
  return 'INTERNAL_ERROR';
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (!isObject(body) || !isObject(body.error)) return false;
  return typeof body.error.code === 'string' && typeof body.error.message === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Group-object outcomes: a conditional write's outcome is data to sdk/group, so it travels as data

export type WriteOutcomeKind = WriteOutcome['kind'];

/** Body of a group PUT or DELETE answer, and of a GET of a missing object (`not-found`). */
export interface OutcomeBody {
  outcome: WriteOutcomeKind;
  /** The new version, on `done` of a PUT. */
  etag?: string;
  /** What went wrong, on `retriable` and `ambiguous`. */
  message?: string;
}

const STATUS_BY_OUTCOME: Record<WriteOutcomeKind, number> = {
  done: 200,
  'precondition-failed': 412,
  conflict: 409,
  'not-found': 404,
  retriable: 503,
  ambiguous: 504,
};

export function statusForOutcome(kind: WriteOutcomeKind): number {
  return STATUS_BY_OUTCOME[kind];
}

export function outcomeToBody(outcome: WriteOutcome | { kind: 'done'; etag?: string }): OutcomeBody {
  if (outcome.kind === 'done')
    return outcome.etag === undefined ? { outcome: 'done' } : { outcome: 'done', etag: outcome.etag };
  if (outcome.kind === 'retriable' || outcome.kind === 'ambiguous') {
    return { outcome: outcome.kind, message: outcome.error.message };
  }
  return { outcome: outcome.kind };
}

/** The outcome in an answer's body, or null when the body is not an outcome (then it is an error). */
export function outcomeFromBody(body: unknown, endpoint: string): WriteOutcome | null {
  if (!isObject(body) || typeof body.outcome !== 'string' || !(body.outcome in STATUS_BY_OUTCOME)) return null;
  const kind = body.outcome as WriteOutcomeKind;
  switch (kind) {
    case 'done':
      return { kind, etag: typeof body.etag === 'string' ? body.etag : '' };
    case 'retriable':
    case 'ambiguous': {
      const message = typeof body.message === 'string' ? body.message : `The broker's store write was ${kind}.`;
      return { kind, error: new KlogError('STORE_UNAVAILABLE', message, { context: { endpoint } }) };
    }
    default:
      return { kind };
  }
}
