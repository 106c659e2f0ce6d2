import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../sdk/backend/backend.js';
import { createLogger, type LogEntry, logLevel } from '../../../sdk/client/logger.js';
import { isKlogError, KlogError } from '../../../sdk/errors.js';
import type { TopicDescription } from '../../../sdk/log/topics.js';
import { TopicMetadata, type TopicMetadataOptions } from '../../../sdk/producer/topic-metadata.js';

function description(name: string, partitions = 1): TopicDescription {
  return {
    name,
    topicId: `${name}-id`,
    partitions,
    config: { retentionMs: -1, retentionBytes: -1, maxMessageBytes: 1024 },
    createdAt: 0,
  };
}

interface FakeTopics {
  getTopic?: (name: string) => Promise<TopicDescription | null>;
  createTopic?: (name: string) => Promise<TopicDescription>;
}

function setup(fake: FakeTopics, options: Partial<TopicMetadataOptions> = {}) {
  const calls = { get: 0, create: 0 };
  const backend = {
    description: 'fake store',
    getTopic: (name: string) => {
      calls.get++;
      return fake.getTopic?.(name) ?? Promise.resolve(description(name));
    },
    createTopic: (name: string) => {
      calls.create++;
      return fake.createTopic?.(name) ?? Promise.resolve(description(name));
    },
  } as unknown as Backend;
  const logs: LogEntry[] = [];
  const logger = createLogger({ level: logLevel.INFO, logCreator: () => (entry) => logs.push(entry) });
  const metadata = new TopicMetadata(backend, logger, {
    maxAgeMs: 60_000,
    allowAutoTopicCreation: true,
    retry: { retries: 2, initialRetryTimeMs: 1, maxRetryTimeMs: 2 },
    ...options,
  });
  return { metadata, calls, logs };
}

describe('TopicMetadata', () => {
  it('caches a topic for maxAgeMs and shares concurrent loads', async () => {
    const { metadata, calls } = setup({});
    expect(metadata.fresh('orders')).toBeUndefined();
    await Promise.all([metadata.get('orders'), metadata.get('orders')]);
    await metadata.get('orders');
    expect(metadata.fresh('orders')?.name).toBe('orders');
    expect(calls.get).toBe(1);
    await metadata.refresh('orders');
    expect(calls.get).toBe(2);
    metadata.forget('orders');
    expect(metadata.fresh('orders')).toBeUndefined();
  });

  it('reads again once the cached copy is older than maxAgeMs', async () => {
    const { metadata, calls } = setup({}, { maxAgeMs: 0 });
    await metadata.get('orders');
    await new Promise((resolve) => setTimeout(resolve, 2));
    await metadata.get('orders');
    expect(calls.get).toBe(2);
  });

  it('creates a missing topic and logs a notice', async () => {
    const { metadata, calls, logs } = setup({ getTopic: async () => null });
    expect((await metadata.get('fresh')).name).toBe('fresh');
    expect(calls.create).toBe(1);
    expect(logs.map((entry) => [entry.label, entry.log.topic])).toEqual([['INFO', 'fresh']]);
  });

  it('uses the topic another producer created in the same moment', async () => {
    let reads = 0;
    const { metadata } = setup({
      getTopic: async (name) => (reads++ === 0 ? null : description(name, 6)),
      createTopic: async (name) => {
        throw new KlogError('TOPIC_ALREADY_EXISTS', `Topic "${name}" already exists.`);
      },
    });
    expect((await metadata.get('raced')).partitions).toBe(6);
  });

  it('says how to create a missing topic when auto-creation is off', async () => {
    const { metadata, calls } = setup({ getTopic: async () => null }, { allowAutoTopicCreation: false });
    const error = await metadata.get('absent').catch((caught: unknown) => caught);
    expect(isKlogError(error, 'TOPIC_NOT_FOUND')).toBe(true);
    expect((error as KlogError).message).toContain(`admin.createTopics({ topics: [{ topic: 'absent' }] })`);
    expect((error as KlogError).context.topic).toBe('absent');
    expect(calls.create).toBe(0);
    // A failed load is not cached: the next call asks again.
    await metadata.get('absent').catch(() => undefined);
    expect(calls.get).toBe(2);
  });

  it('retries retriable read failures', async () => {
    let reads = 0;
    const { metadata } = setup({
      getTopic: async (name) => {
        if (reads++ < 2) throw new KlogError('STORE_UNAVAILABLE', 'try again');
        return description(name);
      },
    });
    expect((await metadata.get('flaky')).name).toBe('flaky');
    expect(reads).toBe(3);
  });
});
