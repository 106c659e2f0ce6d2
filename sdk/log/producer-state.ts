/**
 * What a writer knows about each producer's stored batches on one partition (design brief §5).
 * Sequences count records, as in Kafka: a batch with base sequence S and n records covers S..S+n-1, and the
 * next batch of that producer must start at S+n.
 */
import { randomBytes } from 'node:crypto';

/** A random non-zero 64-bit id (0 means "no producer" in the segment format). */
export function randomProducerId(): bigint {
  for (;;) {
    const id = randomBytes(8).readBigUInt64BE(0);
    if (id !== 0n) return id;
  }
}

export interface StoredBatchRef {
  baseSequence: number;
  lastSequence: number;
  baseOffset: bigint;
  lastOffset: bigint;
}

export interface ProducerState {
  /** Highest stored sequence; -1 when the producer has stored nothing. */
  lastSequence: number;
  /** The newest few stored batches, to answer a retried batch with its offsets (Kafka keeps five). */
  recent: StoredBatchRef[];
}

const RECENT_BATCHES = 8;

export class ProducerTable {
  private readonly states = new Map<bigint, ProducerState>();

  get(producerId: bigint): ProducerState | undefined {
    return this.states.get(producerId);
  }

  /** Declares a producer id that has never been used before (a new random id), so nothing of it is stored. */
  registerFresh(producerId: bigint): void {
    if (!this.states.has(producerId)) this.states.set(producerId, { lastSequence: -1, recent: [] });
  }

  /** Sets what a scan of the partition found for a producer. */
  set(producerId: bigint, state: ProducerState): void {
    this.states.set(producerId, state);
  }

  /** Records a stored batch; batches are observed in offset order, which is sequence order. */
  observe(producerId: bigint, batch: StoredBatchRef): void {
    if (producerId === 0n || batch.baseSequence < 0) return;
    const state = this.states.get(producerId);
    if (state === undefined) return;
    if (batch.lastSequence <= state.lastSequence) return;
    state.lastSequence = batch.lastSequence;
    state.recent.push(batch);
    if (state.recent.length > RECENT_BATCHES) state.recent.shift();
  }

  /** Forgets every producer except the given ones; used when a writer's tail jumps over unread segments. */
  retainOnly(keep: ReadonlySet<bigint>): void {
    for (const producerId of this.states.keys()) {
      if (!keep.has(producerId)) this.states.delete(producerId);
    }
  }
}

export function findStored(state: ProducerState, baseSequence: number): StoredBatchRef | undefined {
  return state.recent.find((batch) => batch.baseSequence === baseSequence);
}
