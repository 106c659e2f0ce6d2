/**
 * The client's retry policy (kafkajs's `retry` option, with units in the names): retriable KlogErrors are
 * retried with jittered exponential backoff up to a bound; everything else surfaces at once.
 */
import { isKlogError } from '../errors.js';
import { sleep } from '../retry.js';
import type { Logger } from './logger.js';

export interface RetryConfig {
  /** Retries after the first attempt. */
  retries: number;
  initialRetryTimeMs: number;
  maxRetryTimeMs: number;
}

export const retryDefaults: RetryConfig = { retries: 5, initialRetryTimeMs: 100, maxRetryTimeMs: 30_000 };

export async function retrying<T>(
  operation: (attempt: number) => Promise<T>,
  config: RetryConfig,
  logger?: Logger,
  what = 'operation',
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isKlogError(error) || !error.retriable || attempt >= config.retries) throw error;
      const bound = Math.min(config.maxRetryTimeMs, config.initialRetryTimeMs * 2 ** attempt);
      const delayMs = bound / 2 + (Math.random() * bound) / 2;
      logger?.warn(`Retrying ${what} after a retriable error`, {
        code: error.code,
        attempt,
        delayMs: Math.round(delayMs),
      });
      await sleep(delayMs);
    }
  }
}
