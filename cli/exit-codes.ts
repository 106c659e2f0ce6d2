/**
 * The CLI's exit codes, documented in docs/cli.md. Scripts branch on these, so they never change meaning.
 */
import type { ErrorCode } from '../sdk/errors.js';

export const ExitCode = {
  OK: 0,
  /** An unexpected failure (a bug); rerun with --debug for the stack trace. */
  UNEXPECTED: 1,
  /** Bad command-line usage: an unknown flag, a missing argument (oclif's own code). */
  USAGE: 2,
  /** Bad input: an invalid name, a malformed offset or record, a value over the limit, a group with live members. */
  INVALID_INPUT: 3,
  /** The topic, partition or consumer group does not exist (or was deleted). */
  NOT_FOUND: 4,
  /** The store refused the credentials. */
  ACCESS_DENIED: 5,
  /** The store could not be reached or kept failing. */
  UNAVAILABLE: 6,
  /** Some records were not produced (the others were). */
  PARTIAL_FAILURE: 7,
  /** The stored data is corrupt or from a newer klog. */
  DATA_ERROR: 8,
} as const;

const byErrorCode: Partial<Record<ErrorCode, number>> = {
  INVALID_NAME: ExitCode.INVALID_INPUT,
  INVALID_ARGUMENT: ExitCode.INVALID_INPUT,
  INVALID_KEY: ExitCode.INVALID_INPUT,
  RECORD_TOO_LARGE: ExitCode.INVALID_INPUT,
  OFFSET_OUT_OF_RANGE: ExitCode.INVALID_INPUT,
  TOPIC_ALREADY_EXISTS: ExitCode.INVALID_INPUT,
  GROUP_NOT_EMPTY: ExitCode.INVALID_INPUT,
  TOPIC_NOT_FOUND: ExitCode.NOT_FOUND,
  TOPIC_DELETED: ExitCode.NOT_FOUND,
  PARTITION_NOT_FOUND: ExitCode.NOT_FOUND,
  GROUP_NOT_FOUND: ExitCode.NOT_FOUND,
  STORE_ACCESS_DENIED: ExitCode.ACCESS_DENIED,
  STORE_UNAVAILABLE: ExitCode.UNAVAILABLE,
  STORE_UNSUPPORTED: ExitCode.UNAVAILABLE,
  UNKNOWN_OUTCOME: ExitCode.UNAVAILABLE,
  CORRUPT_OBJECT: ExitCode.DATA_ERROR,
  UNSUPPORTED_FORMAT: ExitCode.DATA_ERROR,
  // Remote mode: a broker's answers.
  AUTH_REQUIRED: ExitCode.ACCESS_DENIED,
  AUTH_FAILED: ExitCode.ACCESS_DENIED,
  BROKER_UNAVAILABLE: ExitCode.UNAVAILABLE,
  REQUEST_TOO_LARGE: ExitCode.INVALID_INPUT,
  ROUTE_NOT_FOUND: ExitCode.INVALID_INPUT,
};

export function exitCodeFor(code: ErrorCode): number {
  return byErrorCode[code] ?? ExitCode.UNEXPECTED;
}
