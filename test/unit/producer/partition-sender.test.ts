import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../sdk/backend/backend.js';
import { createLogger } from '../../../sdk/client/logger.js';
import { KlogError } from '../../../sdk/errors.js';
import type { AppendRequest, AppendResult } from '../../../sdk/log/partition-writer.js';
import { PartitionSender } from '../../../sdk/producer/partition-sender.js';
import { PendingBatch } from '../../../sdk/producer/pending-batch.js';
import type { PartitionRef } from '../../../sdk/store/keys.js';
import { gate } from '../../helpers/log-fixtures.js';

const ref: PartitionRef = { topic: 'orders', topicId: 'id', partition: 0 };
const retry = { retries: 2, initialRetryTimeMs: 1, maxRetryTimeMs: 2 };

function batchOf(count: number): PendingBatch {
  const batch = new PendingBatch(ref, 'none');
  for (let index = 0; index < count; index++) {
    batch.records.push({ key: null, value: Buffer.from(String(index)), headers: [], timestamp: 0 });
  }
  return batch;
}

/** A backend whose appends answer from a script: an error to throw, or success at the next offset. */
function scriptedBackend(script: (request: AppendRequest, call: number) => Promise<Error | null> | Error | null) {
  const appends: AppendRequest[] = [];
  const registered: bigint[] = [];
  let nextOffset = 0n;
  let inFlight = 0;
  let maxInFlight = 0;
  const backend = {
    registerProducer: (_ref: PartitionRef, producerId: bigint) => registered.push(producerId),
    append: async (_ref: PartitionRef, request: AppendRequest): Promise<AppendResult> => {
      appends.push(request);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const error = await script(request, appends.length - 1);
        if (error !== null) throw error;
        const baseOffset = nextOffset;
        nextOffset += BigInt(request.records.length);
        return { baseOffset, lastOffset: nextOffset - 1n, duplicate: false };
      } finally {
        inFlight--;
      }
    },
  } as unknown as Backend;
  return { backend, appends, registered, maxInFlight: () => maxInFlight };
}

/** Runs batches through a sender and collects each outcome. */
async function runBatches(backend: Backend, batches: PendingBatch[]) {
  const queue = [...batches];
  const outcomes: (AppendResult | unknown)[] = [];
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const sender = new PartitionSender(ref, backend, retry, createLogger(), {
    next: () => queue.shift() ?? null,
    settled: (_batch, result, error) => {
      outcomes.push(result ?? error);
      if (outcomes.length === batches.length) finish();
    },
  });
  sender.kick();
  sender.kick();
  await done;
  return { outcomes, sender };
}

describe('PartitionSender', () => {
  it('registers its producer id once and counts sequences in records', async () => {
    const { backend, appends, registered, maxInFlight } = scriptedBackend(() => null);
    const { outcomes } = await runBatches(backend, [batchOf(3), batchOf(2), batchOf(4)]);
    expect(outcomes.map((outcome) => (outcome as AppendResult).baseOffset)).toEqual([0n, 3n, 5n]);
    expect(appends.map((request) => request.baseSequence)).toEqual([0, 3, 5]);
    expect(new Set(appends.map((request) => request.producerId)).size).toBe(1);
    expect(registered).toEqual([appends[0]?.producerId]);
    expect(maxInFlight()).toBe(1);
  });

  it('retries a retriable failure with the same producer id and sequence', async () => {
    const { backend, appends } = scriptedBackend((_request, call) =>
      call === 1 ? new KlogError('UNKNOWN_OUTCOME', 'lost') : null,
    );
    const { outcomes } = await runBatches(backend, [batchOf(2), batchOf(1)]);
    expect(outcomes.every((outcome) => !(outcome instanceof Error))).toBe(true);
    expect(appends.map((request) => request.baseSequence)).toEqual([0, 2, 2]);
    expect(appends[2]?.producerId).toBe(appends[1]?.producerId);
  });

  it('moves to a new producer id at sequence 0 after retries end in an unknown outcome', async () => {
    const { backend, appends, registered } = scriptedBackend((_request, call) =>
      call >= 1 && call <= 3 ? new KlogError('UNKNOWN_OUTCOME', 'still unknown') : null,
    );
    const { outcomes, sender } = await runBatches(backend, [batchOf(2), batchOf(3), batchOf(1)]);
    expect((outcomes[1] as KlogError).code).toBe('UNKNOWN_OUTCOME');
    // One first attempt and two retries of the second batch, all under the first id and sequence 2.
    const first = appends[0]!.producerId;
    expect(appends.slice(1, 4).map((request) => [request.producerId, request.baseSequence])).toEqual([
      [first, 2],
      [first, 2],
      [first, 2],
    ]);
    expect(appends[4]?.producerId).not.toBe(first);
    expect(appends[4]?.baseSequence).toBe(0);
    expect(registered).toEqual([first, appends[4]?.producerId]);
    expect(sender.producerId).toBe(appends[4]?.producerId);
  });

  it('does not retry errors that are not retriable', async () => {
    const { backend, appends } = scriptedBackend(() => new KlogError('TOPIC_DELETED', 'gone'));
    const { outcomes } = await runBatches(backend, [batchOf(1)]);
    expect((outcomes[0] as KlogError).code).toBe('TOPIC_DELETED');
    expect(appends).toHaveLength(1);
  });

  it('keeps one batch in flight and takes the next one when it settles', async () => {
    const hold = gate();
    const { backend, appends } = scriptedBackend((_request, call) =>
      call === 0 ? hold.promise.then(() => null) : null,
    );
    const queue = [batchOf(1), batchOf(1)];
    const sender = new PartitionSender(ref, backend, retry, createLogger(), {
      next: () => queue.shift() ?? null,
      settled: () => undefined,
    });
    sender.kick();
    sender.kick();
    await Promise.resolve();
    expect(sender.inFlight).toBe(true);
    expect(appends).toHaveLength(1);
    hold.open();
    while (appends.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(appends[1]?.baseSequence).toBe(1);
  });
});
