/**
 * The broker's one table of routes (docs/broker-api.md) and the request path every adapter shares: match the
 * route (404, 405), check the bearer token (401, 403), refuse an oversized body (413) before anything parses it,
 * run the handler (one Backend call on the broker's DirectBackend), render any error as a klog error body, and log
 * one line. The Node adapter and the Lambda adapter only translate their own request shapes into BrokerRequest.
 */

import { BrokerHeaders } from '../sdk/backend/broker-wire.js';
import type { DirectBackend } from '../sdk/backend/direct-backend.js';
import { brokerDefaults } from '../sdk/config.js';
import { KlogError } from '../sdk/errors.js';
import { BearerCheck } from './bearer-auth.js';
import { type BrokerRequest, type BrokerResponse, errorResponse } from './broker-http.js';
import { GroupCommitter } from './group-commit.js';
import type { BrokerLimits, Handler, HandlerContext, LogFields } from './handler-context.js';
import { fetchRecords } from './handlers/fetch.js';
import * as groups from './handlers/groups.js';
import { health } from './handlers/health.js';
import { runMaintenance } from './handlers/maintenance.js';
import { earliestOffset, latestOffset, offsetForTimestamp, partitionStats } from './handlers/partitions.js';
import { produce } from './handlers/produce.js';
import * as topics from './handlers/topics.js';
import { ReaderCache } from './reader-cache.js';
import { RequestLog } from './request-log.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Route {
  method: Method;
  /** Path with `{name}` parameters, one whole segment each. */
  pattern: string;
  handler: Handler;
  /** Served without the bearer token. */
  open?: boolean;
}

const PARTITION = '/v1/topics/{topic}/partitions/{partition}';
const GROUP = '/v1/groups/{group}';

export const routes: readonly Route[] = [
  { method: 'GET', pattern: '/v1/health', handler: health, open: true },
  { method: 'GET', pattern: '/v1/topics', handler: topics.listTopics },
  { method: 'POST', pattern: '/v1/topics', handler: topics.createTopic },
  { method: 'GET', pattern: '/v1/topics/{topic}', handler: topics.getTopic },
  { method: 'DELETE', pattern: '/v1/topics/{topic}', handler: topics.deleteTopic },
  { method: 'POST', pattern: '/v1/topics/{topic}/partitions', handler: topics.createPartitions },
  { method: 'PATCH', pattern: '/v1/topics/{topic}/config', handler: topics.alterTopicConfig },
  { method: 'GET', pattern: PARTITION, handler: partitionStats },
  { method: 'POST', pattern: `${PARTITION}/records`, handler: produce },
  { method: 'GET', pattern: `${PARTITION}/records`, handler: fetchRecords },
  { method: 'GET', pattern: `${PARTITION}/offsets/earliest`, handler: earliestOffset },
  { method: 'GET', pattern: `${PARTITION}/offsets/latest`, handler: latestOffset },
  { method: 'GET', pattern: `${PARTITION}/offsets/for-timestamp`, handler: offsetForTimestamp },
  { method: 'POST', pattern: '/v1/maintenance/runs', handler: runMaintenance },
  { method: 'GET', pattern: '/v1/groups', handler: groups.listAllGroupObjects },
  { method: 'GET', pattern: `${GROUP}/objects`, handler: groups.listGroupObjects },
  { method: 'GET', pattern: `${GROUP}/state`, handler: groups.groupState.get },
  { method: 'PUT', pattern: `${GROUP}/state`, handler: groups.groupState.put },
  { method: 'DELETE', pattern: `${GROUP}/state`, handler: groups.groupState.delete },
  { method: 'GET', pattern: `${GROUP}/members`, handler: groups.listGroupMembers },
  { method: 'GET', pattern: `${GROUP}/members/{instanceId}`, handler: groups.groupMember.get },
  { method: 'PUT', pattern: `${GROUP}/members/{instanceId}`, handler: groups.groupMember.put },
  { method: 'DELETE', pattern: `${GROUP}/members/{instanceId}`, handler: groups.groupMember.delete },
  { method: 'GET', pattern: `${GROUP}/offsets`, handler: groups.listGroupOffsets },
  { method: 'GET', pattern: `${GROUP}/offsets/{topicId}/{partition}`, handler: groups.groupOffset.get },
  { method: 'PUT', pattern: `${GROUP}/offsets/{topicId}/{partition}`, handler: groups.groupOffset.put },
  { method: 'DELETE', pattern: `${GROUP}/offsets/{topicId}/{partition}`, handler: groups.groupOffset.delete },
];

export interface BrokerOptions {
  /** The broker's store. The broker closes it on `close()`. */
  backend: DirectBackend;
  /** When set, every route but health needs `Authorization: Bearer <token>`. */
  token?: string;
  /**
   * Gather concurrent produce requests per partition into one segment (a long-running broker); false appends each
   * request alone (a Lambda invocation carries one request). Default true.
   */
  groupCommit?: boolean;
  limits?: Partial<BrokerLimits>;
  log?: RequestLog;
}

/** The router with the broker's parts: store, reader cache, group committer, token, log. */
export class Broker {
  readonly backend: DirectBackend;
  readonly limits: BrokerLimits;
  readonly log: RequestLog;
  readonly committer: GroupCommitter | null;
  private readonly readers: ReaderCache;
  private readonly bearer: BearerCheck | null;

  constructor(options: BrokerOptions) {
    this.backend = options.backend;
    this.limits = { ...brokerDefaults, ...options.limits };
    this.log = options.log ?? new RequestLog(RequestLog.levelFromEnv());
    this.readers = new ReaderCache(this.backend, this.limits.readerCacheSize);
    this.bearer = options.token === undefined ? null : new BearerCheck(options.token);
    this.committer =
      options.groupCommit === false
        ? null
        : new GroupCommitter(this.backend, {
            lingerMs: this.limits.groupCommitLingerMs,
            maxBytes: this.limits.groupCommitMaxBytes,
          });
  }

  /** Answers one request; never throws. */
  async handle(request: BrokerRequest): Promise<BrokerResponse> {
    const started = performance.now();
    const fields: LogFields = {};
    let route: string = request.path;
    let response: BrokerResponse;
    let failure: { code: string; message?: string } | undefined;
    try {
      const match = matchRoute(request.method, request.path);
      route = match.route.pattern;
      if (match.route.open !== true) this.bearer?.check(request.headers);
      if (request.body.length > this.limits.maxRequestBytes) throw tooLarge(request.body.length, this.limits);
      const context: HandlerContext = {
        request,
        params: match.params,
        backend: this.backend,
        limits: this.limits,
        committer: this.committer,
        readers: this.readers,
        note: (more) => Object.assign(fields, more),
      };
      response = await match.route.handler(context);
    } catch (error) {
      const klogError = asKlogError(error, request.requestId);
      failure = { code: klogError.code };
      if (klogError.code === 'INTERNAL_ERROR') failure.message = error instanceof Error ? error.message : String(error);
      const allow: Record<string, string> =
        klogError.code === 'METHOD_NOT_ALLOWED' ? { allow: String(klogError.context.allow) } : {};
      response = errorResponse(klogError, allow);
    }
    response.headers[BrokerHeaders.requestId] = request.requestId;
    this.log.request({
      requestId: request.requestId,
      method: request.method,
      route,
      status: response.status,
      durationMs: Math.round(performance.now() - started),
      ...fields,
      ...failure,
    });
    return response;
  }

  /** Releases the store. Adapters stop taking requests and let in-flight ones finish first. */
  close(): Promise<void> {
    return this.backend.close();
  }
}

interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

function matchRoute(method: string, path: string): RouteMatch {
  const segments = path.split('/');
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPattern(route.pattern, segments);
    if (params === null) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  if (allowed.length > 0) {
    throw new KlogError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(', ')}.`, {
      context: { allow: allowed.join(', ') },
    });
  }
  throw new KlogError(
    'ROUTE_NOT_FOUND',
    `No broker route ${method} ${path}. This broker serves API /v1 (docs/broker-api.md); check the broker URL.`,
    { context: { path } },
  );
}

function matchPattern(pattern: string, segments: readonly string[]): Record<string, string> | null {
  const parts = pattern.split('/');
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (segment === '') return null;
      params[part.slice(1, -1)] = decodeSegment(segment);
    } else if (part !== segment) {
      return null;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new KlogError('INVALID_ARGUMENT', `The path segment "${segment}" is not valid percent-encoding.`);
  }
}

function tooLarge(bytes: number, limits: BrokerLimits): KlogError {
  return new KlogError(
    'REQUEST_TOO_LARGE',
    `The request body is ${bytes} bytes; this broker accepts at most ${limits.maxRequestBytes}. ` +
      "Send smaller batches (the producer's batchMaxBytes).",
    { context: { bytes, limit: limits.maxRequestBytes } },
  );
}

/** Errors that are not KlogErrors are bugs: INTERNAL_ERROR with the request id, the details only in the log. */
function asKlogError(error: unknown, requestId: string): KlogError {
  if (error instanceof KlogError) return error;
  return new KlogError('INTERNAL_ERROR', `The broker failed unexpectedly; its log has request ${requestId}.`, {
    context: { requestId },
  });
}

/** A 413 answer for an adapter that stops reading a body once it is over the limit. */
export function tooLargeResponse(broker: Broker, request: Pick<BrokerRequest, 'requestId'>, bytes: number) {
  const response = errorResponse(tooLarge(bytes, broker.limits));
  response.headers[BrokerHeaders.requestId] = request.requestId;
  return response;
}
