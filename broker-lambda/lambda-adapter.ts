/**
 * The broker on AWS Lambda: HTTP API v2 and function-URL events (payload format 2.0) into BrokerRequests for the
 * router, and the scheduled maintenance function.
 *
 * The store comes from `KLOG_URL` (such as `s3://bucket/prefix`), opened on the first invocation and kept for the
 * instance's later ones. Function URLs use AWS_IAM auth: AWS checks the SigV4 signature before invoking the
 * function, so the handler does not check it again; `KLOG_BROKER_TOKEN` adds a bearer check on top. An invocation
 * carries one request, so there is no group commit: it writes one segment per partition it received records for.
 * A long-poll stops a second before the function's time runs out.
 */
import { randomUUID } from 'node:crypto';
import { DirectBackend } from '../sdk/backend/direct-backend.js';
import { KlogError } from '../sdk/errors.js';
import { toMaintenanceReport } from '../sdk/maintenance/maintenance-result.js';
import { openObjectStore } from '../sdk/store/open-object-store.js';
import { type BrokerRequest, type BrokerResponse, errorResponse } from './broker-http.js';
import { RequestLog } from './request-log.js';
import { Broker, type BrokerOptions } from './router.js';

/** The fields of a payload format 2.0 event the broker reads (HTTP API v2 and Lambda function URLs). */
export interface HttpEventV2 {
  version?: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: {
    requestId?: string;
    stage?: string;
    http: { method: string };
  };
}

export interface HttpResultV2 {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** The part of Lambda's context object the adapter uses. */
export interface LambdaContextLike {
  awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

export interface LambdaHandlerOptions extends Partial<Omit<BrokerOptions, 'backend'>> {
  /** The broker's store; default a DirectBackend on `KLOG_URL`. */
  backend?: DirectBackend;
  env?: NodeJS.ProcessEnv;
}

/** Time kept back from a long-poll so that the answer leaves before the function times out. */
const ANSWER_MARGIN_MS = 1_000;

export type LambdaHttpHandler = (event: HttpEventV2, context?: LambdaContextLike) => Promise<HttpResultV2>;

export function createLambdaHandler(options: LambdaHandlerOptions = {}): LambdaHttpHandler {
  const env = options.env ?? process.env;
  let broker: Broker | null = null;
  const log = options.log ?? new RequestLog(RequestLog.levelFromEnv(env));
  return async (event, context) => {
    const requestId = event.requestContext.requestId ?? context?.awsRequestId ?? randomUUID();
    let response: BrokerResponse;
    try {
      broker ??= new Broker({
        ...options,
        backend: options.backend ?? backendFromEnv(env),
        token: options.token ?? (env.KLOG_BROKER_TOKEN || undefined),
        groupCommit: false,
        log,
      });
      response = await broker.handle(toBrokerRequest(event, requestId, context));
    } catch (error) {
      // Only setup fails here (no KLOG_URL, a malformed event): the router answers everything else itself.
      const klogError =
        error instanceof KlogError
          ? error
          : new KlogError('INTERNAL_ERROR', `The broker could not start: ${String(error)}`);
      log.event('error', klogError.message, { requestId, code: klogError.code });
      response = errorResponse(klogError, { 'klog-request-id': requestId });
    }
    return toResult(response);
  };
}

/**
 * The scheduled maintenance function: one maintenance run (retention) over every topic of `KLOG_URL`, its report
 * logged as one JSON line. Returns a summary for the invocation's result.
 */
export async function runScheduledMaintenance(
  _event?: unknown,
  options: { backend?: DirectBackend; env?: NodeJS.ProcessEnv; log?: RequestLog } = {},
) {
  const env = options.env ?? process.env;
  const log = options.log ?? new RequestLog(RequestLog.levelFromEnv(env));
  if (options.backend === undefined) scheduledBackend ??= backendFromEnv(env);
  const backend = options.backend ?? (scheduledBackend as DirectBackend);
  const partitions = (await backend.runMaintenance()).map(toMaintenanceReport);
  const summary = {
    partitions: partitions.length,
    changed: partitions.filter((partition) => partition.outcome !== 'nothing-to-do').length,
    deletedSegments: partitions.reduce((sum, partition) => sum + partition.deletedSegments, 0),
  };
  log.event('info', 'maintenance run', { ...summary, report: partitions });
  return summary;
}

/** Kept across the scheduled function's invocations on one instance. */
let scheduledBackend: DirectBackend | undefined;

function backendFromEnv(env: NodeJS.ProcessEnv): DirectBackend {
  const url = env.KLOG_URL;
  if (url === undefined || url === '') {
    // A deployment mistake, not the caller's: a 500, so that clients do not take their request for the problem.
    throw new KlogError(
      'INTERNAL_ERROR',
      'The broker function is misconfigured: set KLOG_URL (such as s3://bucket/prefix).',
    );
  }
  return new DirectBackend(openObjectStore(url));
}

function toBrokerRequest(event: HttpEventV2, requestId: string, context?: LambdaContextLike): BrokerRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const body =
    event.body === undefined || event.body === null
      ? Buffer.alloc(0)
      : Buffer.from(event.body, event.isBase64Encoded === true ? 'base64' : 'utf8');
  const remaining = context?.getRemainingTimeInMillis?.();
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: withoutStage(event.rawPath, event.requestContext.stage),
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    body,
    requestId,
    signal: remaining === undefined ? undefined : AbortSignal.timeout(Math.max(0, remaining - ANSWER_MARGIN_MS)),
  };
}

/** An HTTP API with a named stage puts the stage in front of the path; function URLs and `$default` do not. */
function withoutStage(path: string, stage: string | undefined): string {
  if (stage === undefined || stage === '$default') return path;
  return path.startsWith(`/${stage}/`) ? path.slice(stage.length + 1) : path;
}

/** JSON answers travel as text, readable in Lambda's logs and consoles; anything else (or bytes that are not UTF-8) as base64. */
function toResult(response: BrokerResponse): HttpResultV2 {
  const json = (response.headers['content-type'] ?? '').startsWith('application/json');
  const text = json ? utf8Text(response.body) : null;
  return {
    statusCode: response.status,
    headers: response.headers,
    body:
      text ?? Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength).toString('base64'),
    isBase64Encoded: text === null,
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text, or null when they are not valid UTF-8 (a group object is stored bytes, passed through). */
function utf8Text(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}
