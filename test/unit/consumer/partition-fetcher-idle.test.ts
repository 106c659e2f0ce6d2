import { describe, expect, it } from 'vitest';
import type { PartitionReadHandle } from '../../../sdk/backend/backend.js';
import { createLogger } from '../../../sdk/client/logger.js';
import { FetchBuffer } from '../../../sdk/consumer/fetch-buffer.js';
import { PartitionFetcher } from '../../../sdk/consumer/partition-fetcher.js';

const ref = { topic: 'idle', topicId: 'id', partition: 0 };

/** A read handle on an empty partition: every read finds nothing at offset 0. */
function emptyHandle(waitsForData: boolean | undefined): PartitionReadHandle & { reads: number } {
  const handle = {
    reads: 0,
    ...(waitsForData === undefined ? {} : { waitsForData }),
    async read(offset: bigint) {
      handle.reads++;
      return { records: [], nextOffset: offset };
    },
    earliestOffset: async () => 0n,
    latestOffset: async () => 0n,
    offsetForTimestamp: async () => null,
  };
  return handle;
}

function fetcherOn(handle: PartitionReadHandle): PartitionFetcher {
  return new PartitionFetcher(
    ref,
    handle,
    new FetchBuffer(1 << 20),
    { kind: 'offset', offset: 0n },
    {
      maxBytesPerPartition: 1 << 16,
      idlePollMinMs: 60_000,
      idlePollMaxMs: 60_000,
      resetPolicy: 'earliest',
      retry: { retries: 0, initialRetryTimeMs: 1, maxRetryTimeMs: 1 },
      logger: createLogger(),
    },
  );
}

describe('PartitionFetcher idle polling', () => {
  it('backs off after an empty read from a handle that answers at once (direct mode)', async () => {
    for (const waitsForData of [undefined, false]) {
      const fetcher = fetcherOn(emptyHandle(waitsForData));
      expect(await fetcher.fetch(1024)).toBe(false);
      const now = performance.now();
      expect(fetcher.readyToFetch(now)).toBe(false);
      expect(fetcher.nextPollAt).toBeGreaterThan(now);
    }
  });

  it('polls again at once after an empty read from a handle that long-polls (remote mode)', async () => {
    const handle = emptyHandle(true);
    const fetcher = fetcherOn(handle);
    for (let read = 1; read <= 3; read++) {
      expect(await fetcher.fetch(1024)).toBe(false);
      expect(fetcher.readyToFetch(performance.now())).toBe(true);
      expect(fetcher.nextPollAt).toBe(0);
    }
    expect(handle.reads).toBe(3);
  });
});
