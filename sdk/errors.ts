/**
 * klog's one error type. Every failure a caller can act on is a KlogError with a stable `code`, a
 * `retriable` flag and the context it happened in. Retry loops read `retriable`, never class names or
 * messages, and messages say what to do next.
 */

/** Stable error codes. Adding a code is fine; renaming one breaks users who branch on it. */
export const ErrorCodes = {
  /** A topic or group name breaks Kafka's naming rules. */
  INVALID_NAME: { retriable: false },
  /** An argument is out of its allowed range or of the wrong shape. */
  INVALID_ARGUMENT: { retriable: false },
  /** A call that the object's current state does not allow (for example subscribing while a consumer runs). */
  INVALID_STATE: { retriable: false },
  /** A record or batch is larger than the configured maximum. */
  RECORD_TOO_LARGE: { retriable: false },
  TOPIC_NOT_FOUND: { retriable: false },
  TOPIC_ALREADY_EXISTS: { retriable: false },
  /** The topic was deleted (its partitions are sealed); nothing more can be written to it. */
  TOPIC_DELETED: { retriable: false },
  PARTITION_NOT_FOUND: { retriable: false },
  /** The requested offset is below the log start or above the log end. */
  OFFSET_OUT_OF_RANGE: { retriable: false },
  /** A stored object failed its checksum or is truncated. */
  CORRUPT_OBJECT: { retriable: false },
  /** A stored object was written by a newer klog with a storage format this one cannot read. */
  UNSUPPORTED_FORMAT: { retriable: false },
  /** A writer with a higher epoch (or another writer with the same epoch) took over the partition. */
  FENCED: { retriable: false },
  /** A producer's batch skips sequence numbers that were never stored. */
  OUT_OF_ORDER_SEQUENCE: { retriable: false },
  /** An append's result could not be determined; retrying with the same producer id and sequence is safe. */
  UNKNOWN_OUTCOME: { retriable: true },
  /** The object store answered with a transient failure (5xx, throttling, connection reset). */
  STORE_UNAVAILABLE: { retriable: true },
  /** The object store refused the credentials or the request. */
  STORE_ACCESS_DENIED: { retriable: false },
  /** The object store does not behave as klog requires (for example it ignores conditional writes). */
  STORE_UNSUPPORTED: { retriable: false },
  /** An object key that klog would never build (a bug or a hand-made key). */
  INVALID_KEY: { retriable: false },
  /** The writer's cached tail fell below the log start; it rediscovers the tail and tries again. */
  STALE_TAIL: { retriable: true },
  /** The writer was closed; nothing more is accepted. */
  CLOSED: { retriable: false },
  /**
   * A consumer-group member acted on a partition it no longer owns: another member instance (or an admin reset)
   * took the partition's committed offset over. Retrying cannot help; the new owner continues from the last
   * committed offset.
   */
  REBALANCE_IN_PROGRESS: { retriable: false },
  /** The group has live members, so it cannot be changed now (reset offsets, delete the group). */
  GROUP_NOT_EMPTY: { retriable: false },
  GROUP_NOT_FOUND: { retriable: false },
  /** A broker request carried no credentials (HTTP 401). */
  AUTH_REQUIRED: { retriable: false },
  /** A broker refused the request's credentials (HTTP 403). */
  AUTH_FAILED: { retriable: false },
  /** No broker route has this path (HTTP 404): a wrong base URL, or a broker that speaks another API version. */
  ROUTE_NOT_FOUND: { retriable: false },
  /** The broker route exists, but not for this HTTP method (405). */
  METHOD_NOT_ALLOWED: { retriable: false },
  /** The request body is larger than the broker accepts (413). */
  REQUEST_TOO_LARGE: { retriable: false },
  /** The broker could not be reached or answered with a transient failure (refused connection, 429, 502-504). */
  BROKER_UNAVAILABLE: { retriable: true },
  /** The broker failed in a way it did not expect (HTTP 500): a bug, reported with the request id. */
  INTERNAL_ERROR: { retriable: false },
} as const satisfies Record<string, { retriable: boolean }>;

export type ErrorCode = keyof typeof ErrorCodes;

/** Where an error happened. Only the fields that apply are set. */
export interface ErrorContext {
  topic?: string;
  partition?: number;
  key?: string;
  offset?: bigint | string;
  endpoint?: string;
  [field: string]: unknown;
}

export interface KlogErrorOptions {
  context?: ErrorContext;
  cause?: unknown;
  /** Overrides the code's default retriable flag, for the rare case the caller knows better. */
  retriable?: boolean;
}

export class KlogError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: KlogErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KlogError';
    this.code = code;
    this.retriable = options.retriable ?? ErrorCodes[code].retriable;
    this.context = options.context ?? {};
  }

  /** JSON form for logs and the CLI's `--json` output. */
  toJSON(): Record<string, unknown> {
    const context: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(this.context)) {
      context[field] = typeof value === 'bigint' ? value.toString() : value;
    }
    return { name: this.name, code: this.code, retriable: this.retriable, message: this.message, context };
  }
}

export function isKlogError(error: unknown, code?: ErrorCode): error is KlogError {
  return error instanceof KlogError && (code === undefined || error.code === code);
}
