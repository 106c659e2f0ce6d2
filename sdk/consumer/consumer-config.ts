/**
 * The consumer's options, their defaults (`consumerDefaults` and `groupDefaults` in config.ts) and their checks.
 * The group options (`groupId`, session and heartbeat times, strategies) are checked in sdk/group/group-config.ts.
 */
import { consumerDefaults } from '../config.js';
import { KlogError } from '../errors.js';
import { type GroupOptions, type ResolvedGroupOptions, resolveGroupOptions } from '../group/group-config.js';
import type { OffsetResetPolicy } from './start-position.js';

export interface ConsumerConfig extends GroupOptions {
  /** Payload bytes of fetched records the consumer holds before the application handles them, in all. */
  maxBytes?: number;
  /** Payload bytes one read of one partition asks for (a read returns at least one batch). */
  maxBytesPerPartition?: number;
  /** First delay between polls of a caught-up partition; it doubles while the partition stays idle. */
  idlePollMinMs?: number;
  /** Longest delay between polls of a caught-up partition: the worst-case latency of a new record. */
  idlePollMaxMs?: number;
  /**
   * What happens when a partition's position is out of the log (retention removed it, or a seek went past
   * the end): 'earliest', 'latest', or 'none' (the consumer stops and `onCrash` receives the error).
   * Default: 'earliest' for partitions subscribed or assigned `fromBeginning`, else 'latest'.
   */
  autoOffsetReset?: OffsetResetPolicy;
  /** Partitions read at the same time. */
  maxConcurrentFetches?: number;
  /**
   * How often subscribed topics are checked for new partitions (and patterns for new topics); in a group, how
   * often the leader reads the subscribed topics' metadata.
   */
  metadataMaxAgeMs?: number;
  /**
   * Called once when the consumer stops on an error: a handler error that is not retriable (or still fails
   * after the client's retries), an unreadable partition, or an out-of-range position under
   * `autoOffsetReset: 'none'`. The error is also logged at ERROR. The consumer is stopped when this is
   * called; `run` may be called again, and it resumes at the first record not handled.
   */
  onCrash?: (error: Error) => void;
}

export interface ResolvedConsumerConfig {
  maxBytes: number;
  maxBytesPerPartition: number;
  idlePollMinMs: number;
  idlePollMaxMs: number;
  autoOffsetReset: OffsetResetPolicy | undefined;
  maxConcurrentFetches: number;
  metadataMaxAgeMs: number;
  onCrash: ((error: Error) => void) | undefined;
  /** The group options, or null for a consumer without a group. */
  group: ResolvedGroupOptions | null;
}

const RESET_POLICIES: readonly string[] = ['earliest', 'latest', 'none'];

/** `local` picks the short idle polls of the embedded stores, where a poll costs nothing. */
export function resolveConsumerConfig(config: ConsumerConfig, local: boolean): ResolvedConsumerConfig {
  const group = resolveGroupOptions(config);
  const idlePollMaxMs = positiveInteger(
    config.idlePollMaxMs ?? (local ? consumerDefaults.localIdlePollMaxMs : consumerDefaults.idlePollMaxMs),
    'idlePollMaxMs',
  );
  const defaultMinMs = local ? consumerDefaults.localIdlePollMinMs : consumerDefaults.idlePollMinMs;
  const idlePollMinMs = positiveInteger(config.idlePollMinMs ?? Math.min(defaultMinMs, idlePollMaxMs), 'idlePollMinMs');
  if (idlePollMinMs > idlePollMaxMs) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `idlePollMinMs (${idlePollMinMs}) must not be larger than idlePollMaxMs (${idlePollMaxMs}).`,
    );
  }
  if (config.autoOffsetReset !== undefined && !RESET_POLICIES.includes(config.autoOffsetReset)) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `autoOffsetReset must be 'earliest', 'latest' or 'none', got ${JSON.stringify(config.autoOffsetReset)}.`,
    );
  }
  if (config.onCrash !== undefined && typeof config.onCrash !== 'function') {
    throw new KlogError('INVALID_ARGUMENT', 'onCrash must be a function (error) => void.');
  }
  return {
    maxBytes: positiveInteger(config.maxBytes ?? consumerDefaults.maxBytes, 'maxBytes'),
    maxBytesPerPartition: positiveInteger(
      config.maxBytesPerPartition ?? consumerDefaults.maxBytesPerPartition,
      'maxBytesPerPartition',
    ),
    idlePollMinMs,
    idlePollMaxMs,
    autoOffsetReset: config.autoOffsetReset,
    maxConcurrentFetches: positiveInteger(
      config.maxConcurrentFetches ?? consumerDefaults.maxConcurrentFetches,
      'maxConcurrentFetches',
    ),
    metadataMaxAgeMs: positiveInteger(config.metadataMaxAgeMs ?? consumerDefaults.metadataMaxAgeMs, 'metadataMaxAgeMs'),
    onCrash: config.onCrash,
    group,
  };
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new KlogError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(value)}.`);
  }
  return value;
}
