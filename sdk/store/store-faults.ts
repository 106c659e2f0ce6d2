/**
 * Fault injection for in-process object stores. The partition log must stay correct when the store answers
 * with a transient error, when a write lands but its answer is lost, and when a write lands long after the
 * caller gave up on it. Tests script those cases one at a time with `next` or let a seeded generator scatter
 * them over thousands of writes with `random`.
 *
 * A `StoreFaults` wraps the effect of each operation (a function that applies the write or performs the read)
 * and decides whether to run it, delay it or skip it, so any store whose effects are local can use it.
 */
import { KlogError } from '../errors.js';
import type { DeleteOutcome, WriteOutcome } from './object-store.js';

export type StoreOperation = 'get' | 'head' | 'put' | 'list' | 'delete';
export type ReadOperation = 'get' | 'head' | 'list';
export type WriteOperation = 'put' | 'delete';

/** Waits for `release`, then runs the operation normally. Lets a test order a request after other requests. */
export interface HoldFault {
  kind: 'hold';
  release: Promise<void>;
}

/**
 * Answers `ambiguous` at once; the write, condition included, is evaluated only when `release` resolves (it
 * never lands if `release` rejects). Models a request that reaches the store after its caller timed out.
 */
export interface LandLaterFault {
  kind: 'land-later';
  release: Promise<void>;
}

export type WriteFault =
  /** A 5xx answer: the write had no effect; the outcome is `retriable`. */
  | 'error-5xx'
  /** The connection reset before the request was sent: no effect; `retriable`. */
  | 'reset-before-send'
  /** The write is applied (if its condition holds) but the caller sees a timeout: `ambiguous`. */
  | 'land-then-timeout'
  /** The same effect as `land-then-timeout`, for tests that talk about a lost response. */
  | 'drop-response'
  /** S3's 409 ConditionalRequestConflict: no effect; the outcome is `conflict`. */
  | 'conflict-absent'
  | LandLaterFault
  | HoldFault;

export type ReadFault =
  /** A 5xx answer: the read throws a retriable KlogError STORE_UNAVAILABLE. */
  'error-5xx' | HoldFault;

/** Decides whether a queued fault applies to an operation; gets the key (the prefix for `list`). */
export type KeyMatcher = (key: string) => boolean;

/** Fault kinds the random generator can draw; `land-later` and `hold` release after a short random delay. */
export type RandomWriteFaultKind =
  | 'error-5xx'
  | 'reset-before-send'
  | 'land-then-timeout'
  | 'drop-response'
  | 'conflict-absent'
  | 'land-later'
  | 'hold';

export interface RandomFaultOptions {
  /** Seeds the generator: the same seed and the same sequence of writes give the same faults. */
  seed: number;
  /** Probability in [0, 1] that a write gets a fault. */
  rate: number;
  /** The kinds to draw from, uniformly. */
  kinds: readonly RandomWriteFaultKind[];
  /** Which writes get faults; `['put']` when absent. */
  operations?: readonly WriteOperation[];
  /** Probability in [0, 1] that a read (get, head, list) fails with `error-5xx`; 0 when absent. */
  readErrorRate?: number;
  /** Upper bound of the random delay before `land-later` and `hold` faults release; 10 ms when absent. */
  maxDelayMs?: number;
}

/** The outcomes a fault can produce instead of the real one; each is valid for both puts and deletes. */
type FaultOutcome = Extract<WriteOutcome, { kind: 'retriable' | 'ambiguous' | 'conflict' }>;

interface QueuedFault {
  operation: StoreOperation;
  fault: WriteFault | ReadFault;
  match: KeyMatcher | undefined;
}

interface RandomPlan {
  options: RandomFaultOptions;
  next: () => number;
}

/** A small, fast, seedable PRNG (mulberry32). Returns numbers in [0, 1). Not for anything security related. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class StoreFaults {
  private readonly queue: QueuedFault[] = [];
  private readonly landing = new Set<Promise<void>>();
  private readonly injectedCounts = new Map<string, number>();
  private randomPlan: RandomPlan | undefined;

  /** `description` names the store in the errors that faults produce. */
  constructor(private readonly description: string) {}

  /** Queues a one-shot fault for the next operation of this type whose key (or list prefix) matches. */
  next(operation: WriteOperation, fault: WriteFault, match?: KeyMatcher): void;
  next(operation: ReadOperation, fault: ReadFault, match?: KeyMatcher): void;
  next(operation: StoreOperation, fault: WriteFault | ReadFault, match?: KeyMatcher): void {
    this.queue.push({ operation, fault, match });
  }

  /** Scatters faults over writes (and optionally reads) from a seeded generator, until `clear`. */
  random(options: RandomFaultOptions): void {
    if (!(options.rate >= 0 && options.rate <= 1) || options.kinds.length === 0) {
      throw new KlogError('INVALID_ARGUMENT', 'Random faults need a rate in [0, 1] and at least one kind.', {
        context: { rate: options.rate, kinds: options.kinds.length },
      });
    }
    this.randomPlan = { options, next: seededRandom(options.seed) };
  }

  /** Drops queued faults and stops random faults. Writes already landing later still land. */
  clear(): void {
    this.queue.length = 0;
    this.randomPlan = undefined;
  }

  /** Resolves when every `land-later` write has landed or failed its condition, including ones started meanwhile. */
  async pending(): Promise<void> {
    while (this.landing.size > 0) {
      await Promise.all(this.landing);
    }
  }

  /** How many faults of each kind were injected so far, for tests that check a stress run really hit faults. */
  injected(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.injectedCounts);
  }

  /** Runs a write's effect under the fault plan. `apply` evaluates the condition and applies the write. */
  async runWrite<O extends WriteOutcome | DeleteOutcome>(
    operation: WriteOperation,
    key: string,
    apply: () => O | Promise<O>,
  ): Promise<O | FaultOutcome> {
    const fault = this.take(operation, key) as WriteFault | undefined;
    if (fault === undefined) return apply();
    const kind = typeof fault === 'string' ? fault : fault.kind;
    this.count(kind);
    switch (kind) {
      case 'error-5xx':
      case 'reset-before-send':
        return { kind: 'retriable', error: this.error(operation, key, kind) };
      case 'conflict-absent':
        return { kind: 'conflict' };
      case 'land-then-timeout':
      case 'drop-response':
        await apply();
        return { kind: 'ambiguous', error: this.error(operation, key, kind) };
      case 'land-later': {
        const release = (fault as LandLaterFault).release;
        const landed: Promise<void> = release.then(
          async () => {
            await apply();
          },
          () => undefined,
        );
        const tracked = landed.finally(() => this.landing.delete(tracked));
        this.landing.add(tracked);
        return { kind: 'ambiguous', error: this.error(operation, key, kind) };
      }
      case 'hold':
        await (fault as HoldFault).release;
        return apply();
    }
  }

  /** Runs a read under the fault plan. */
  async runRead<T>(operation: ReadOperation, key: string, read: () => T | Promise<T>): Promise<T> {
    const fault = this.take(operation, key) as ReadFault | undefined;
    if (fault === undefined) return read();
    if (fault === 'error-5xx') {
      this.count(fault);
      throw this.error(operation, key, fault);
    }
    this.count(fault.kind);
    await fault.release;
    return read();
  }

  private take(operation: StoreOperation, key: string): WriteFault | ReadFault | undefined {
    const index = this.queue.findIndex((queued) => queued.operation === operation && (queued.match?.(key) ?? true));
    if (index >= 0) return this.queue.splice(index, 1)[0]?.fault;
    return this.drawRandom(operation);
  }

  private drawRandom(operation: StoreOperation): WriteFault | ReadFault | undefined {
    const plan = this.randomPlan;
    if (plan === undefined) return undefined;
    const { options } = plan;
    if (operation === 'get' || operation === 'head' || operation === 'list') {
      const rate = options.readErrorRate ?? 0;
      return rate > 0 && plan.next() < rate ? 'error-5xx' : undefined;
    }
    if (!(options.operations ?? ['put']).includes(operation)) return undefined;
    // Draw the same number of values for every write, so one write's fault does not shift the faults of
    // every later write: a seed then describes the same run even when kinds are added or removed.
    const hit = plan.next() < options.rate;
    const kind = options.kinds[Math.floor(plan.next() * options.kinds.length)];
    const delayMs = Math.floor(plan.next() * ((options.maxDelayMs ?? 10) + 1));
    if (!hit || kind === undefined) return undefined;
    if (kind === 'land-later' || kind === 'hold') return { kind, release: sleep(delayMs) };
    return kind;
  }

  private count(kind: string): void {
    this.injectedCounts.set(kind, (this.injectedCounts.get(kind) ?? 0) + 1);
  }

  private error(operation: StoreOperation, key: string, kind: string): KlogError {
    const effect =
      kind === 'error-5xx' || kind === 'reset-before-send'
        ? 'it had no effect; retry it'
        : 'it may or may not have taken effect; read the key to find out';
    return new KlogError('STORE_UNAVAILABLE', `Injected fault "${kind}" on ${operation} of "${key}": ${effect}.`, {
      context: { key, endpoint: this.description, operation, fault: kind },
    });
  }
}
