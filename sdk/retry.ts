/**
 * Bounded, jittered retries. Retry decisions read `retriable` on KlogError and nothing else, so a new
 * error code only has to declare whether it is retriable to be handled everywhere.
 */
import { isKlogError } from './errors.js';

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const readRetryDefaults: RetryOptions = { attempts: 5, baseDelayMs: 20, maxDelayMs: 1_000 };

/** Full jitter (a random delay up to the exponential bound) keeps retrying writers from moving in lockstep. */
export function backoffDelayMs(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  const bound = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.random() * bound;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `operation`, retrying retriable KlogErrors up to `attempts` times in all; other errors pass at once. */
export async function withRetries<T>(
  operation: () => Promise<T>,
  options: RetryOptions = readRetryDefaults,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isKlogError(error) || !error.retriable || attempt + 1 >= options.attempts) throw error;
      await sleep(backoffDelayMs(attempt, options));
    }
  }
}
