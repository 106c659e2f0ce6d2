/**
 * The producer's view of its topics (partition count, maxMessageBytes), cached for `metadataMaxAgeMs` so that
 * a send costs no request; a refresh is one GET of topic.json. A missing topic is created with the topic
 * defaults when auto-creation is on, as Kafka's `auto.create.topics.enable`.
 */
import type { Backend } from '../backend/backend.js';
import type { Logger } from '../client/logger.js';
import { type RetryConfig, retrying } from '../client/retrier.js';
import { isKlogError, KlogError } from '../errors.js';
import type { TopicDescription } from '../log/topics.js';

export interface TopicMetadataOptions {
  maxAgeMs: number;
  allowAutoTopicCreation: boolean;
  retry: RetryConfig;
}

interface CachedTopic {
  topic: TopicDescription;
  fetchedAt: number;
}

export class TopicMetadata {
  private readonly backend: Backend;
  private readonly logger: Logger;
  private readonly options: TopicMetadataOptions;
  private readonly cache = new Map<string, CachedTopic>();
  /** Loads in progress, shared by the sends that need the same topic at the same time. */
  private readonly loading = new Map<string, Promise<TopicDescription>>();

  constructor(backend: Backend, logger: Logger, options: TopicMetadataOptions) {
    this.backend = backend;
    this.logger = logger;
    this.options = options;
  }

  /** The cached description while it is younger than `maxAgeMs`, without waiting; undefined otherwise. */
  fresh(name: string): TopicDescription | undefined {
    const cached = this.cache.get(name);
    if (cached === undefined || Date.now() - cached.fetchedAt > this.options.maxAgeMs) return undefined;
    return cached.topic;
  }

  get(name: string): Promise<TopicDescription> {
    const topic = this.fresh(name);
    return topic === undefined ? this.refresh(name) : Promise.resolve(topic);
  }

  /** Reads the topic again (or joins a read in progress), creating it when it is missing and that is allowed. */
  refresh(name: string): Promise<TopicDescription> {
    let loading = this.loading.get(name);
    if (loading === undefined) {
      loading = this.load(name).finally(() => this.loading.delete(name));
      this.loading.set(name, loading);
    }
    return loading;
  }

  /** Drops the cached description, after a write found the topic deleted or missing. */
  forget(name: string): void {
    this.cache.delete(name);
  }

  private async load(name: string): Promise<TopicDescription> {
    const topic = (await this.read(name)) ?? (await this.create(name));
    this.cache.set(name, { topic, fetchedAt: Date.now() });
    return topic;
  }

  private read(name: string): Promise<TopicDescription | null> {
    return retrying(() => this.backend.getTopic(name), this.options.retry, this.logger, `read topic "${name}"`);
  }

  private async create(name: string): Promise<TopicDescription> {
    if (!this.options.allowAutoTopicCreation) {
      throw new KlogError(
        'TOPIC_NOT_FOUND',
        `Topic "${name}" does not exist in ${this.backend.description}, and this producer does not create topics ` +
          `(allowAutoTopicCreation: false). Create it first, for example with ` +
          `admin.createTopics({ topics: [{ topic: '${name}' }] }), or let the producer create it with the topic ` +
          'defaults (allowAutoTopicCreation: true).',
        { context: { topic: name } },
      );
    }
    try {
      const topic = await retrying(
        () => this.backend.createTopic(name),
        this.options.retry,
        this.logger,
        `create topic "${name}"`,
      );
      this.logger.info('Created a missing topic with the topic defaults (allowAutoTopicCreation)', {
        topic: name,
        partitions: topic.partitions,
      });
      return topic;
    } catch (error) {
      // Another producer (or our own retry after an unknown outcome) created it first: use that topic.
      if (!isKlogError(error, 'TOPIC_ALREADY_EXISTS')) throw error;
      const topic = await this.read(name);
      if (topic !== null) return topic;
      throw new KlogError(
        'TOPIC_NOT_FOUND',
        `Topic "${name}" was created and deleted again while this producer was creating it. Send again to create it.`,
        { context: { topic: name }, cause: error },
      );
    }
  }
}
