/**
 * What a consumer reads: topics it subscribed to (names or patterns, all partitions) and partitions assigned
 * to it by hand. Without consumer groups a subscription is simply "every partition of these topics".
 * `resolve` turns this into partitions, asking the backend for topic metadata; the consumer calls it when
 * it starts running and again every `metadataMaxAgeMs`, which is how new partitions and new topics matching
 * a pattern are picked up.
 */
import type { Backend } from '../backend/backend.js';
import { KlogError } from '../errors.js';
import type { TopicDescription } from '../log/topics.js';
import { validateName } from '../names.js';
import type { PartitionRef } from '../store/keys.js';
import { type StartOptions, validateStartOptions } from './start-position.js';

export interface SubscribeOptions extends StartOptions {
  topics?: (string | RegExp)[];
  topic?: string | RegExp;
}

export interface Assignment extends StartOptions {
  topic: string;
  /** All partitions of the topic when absent. */
  partitions?: number[];
}

export interface PartitionTarget {
  ref: PartitionRef;
  start: StartOptions;
}

export interface ResolvedTargets {
  /** By `partitionKey`. */
  targets: Map<string, PartitionTarget>;
  /** Topics (and assigned partitions) that do not exist yet, as "topic" or "topic/partition". */
  missing: string[];
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

interface TopicSubscription {
  matcher: string | RegExp;
  start: StartOptions;
}

export class Subscription {
  private readonly subscriptions: TopicSubscription[] = [];
  private assignments: Assignment[] = [];

  get isEmpty(): boolean {
    return this.subscriptions.length === 0 && this.assignments.length === 0;
  }

  /** Adds topics, as kafkajs's `subscribe` (calls accumulate; a later call's start options win for a topic). */
  subscribe(options: SubscribeOptions): void {
    if (typeof options !== 'object' || options === null) {
      throw new KlogError('INVALID_ARGUMENT', 'subscribe takes { topics: [...] } or { topic }.');
    }
    const matchers = options.topics ?? (options.topic === undefined ? [] : [options.topic]);
    if (!Array.isArray(matchers) || matchers.length === 0) {
      throw new KlogError('INVALID_ARGUMENT', 'subscribe needs at least one topic: { topics: [...] } or { topic }.');
    }
    validateStartOptions(options, 'subscribe');
    for (const matcher of matchers) {
      if (!(matcher instanceof RegExp)) validateName('topic', matcher);
    }
    const start = { fromBeginning: options.fromBeginning, fromTimestamp: options.fromTimestamp };
    for (const matcher of matchers) this.subscriptions.push({ matcher, start });
  }

  /** Replaces the manual assignment, as Kafka's `assign`. */
  assign(assignments: Assignment[]): void {
    if (!Array.isArray(assignments)) {
      throw new KlogError('INVALID_ARGUMENT', 'assign takes an array of { topic, partitions? }.');
    }
    for (const assignment of assignments) {
      validateName('topic', assignment?.topic);
      validateStartOptions(assignment, `assign ${assignment.topic}`);
      const { partitions } = assignment;
      if (
        partitions !== undefined &&
        (!Array.isArray(partitions) || partitions.some((p) => !Number.isSafeInteger(p) || p < 0))
      ) {
        throw new KlogError(
          'INVALID_ARGUMENT',
          `assign ${assignment.topic}: partitions must be an array of partition numbers from 0.`,
          { context: { topic: assignment.topic } },
        );
      }
    }
    this.assignments = assignments.map((assignment) => ({ ...assignment, partitions: assignment.partitions?.slice() }));
  }

  /** Does this consumer read the topic (for `seek` checks and `paused()`)? */
  includesTopic(topic: string): boolean {
    return (
      this.assignments.some((assignment) => assignment.topic === topic) ||
      this.subscriptions.some(({ matcher }) => matches(matcher, topic))
    );
  }

  /** Kafka's "manual assignment": partitions given by `assign`, which a consumer group does not allow. */
  get hasAssignments(): boolean {
    return this.assignments.length > 0;
  }

  /** The start options of the last subscription that matches the topic (none: start at the log end). */
  startOptionsFor(topic: string): StartOptions {
    const matching = this.subscriptions.filter(({ matcher }) => matches(matcher, topic));
    return matching.at(-1)?.start ?? {};
  }

  /**
   * The names of the subscribed topics, patterns resolved with one listing of the cluster's topics (only when
   * a pattern is subscribed). Named topics are included whether or not they exist yet. A consumer group's member
   * publishes these in its heartbeat.
   */
  async topicNames(backend: Backend): Promise<string[]> {
    const names = new Set<string>();
    const patterns = this.subscriptions.filter(({ matcher }) => matcher instanceof RegExp);
    const listed = patterns.length > 0 ? await backend.listTopics() : [];
    for (const { matcher } of this.subscriptions) {
      if (typeof matcher === 'string') names.add(matcher);
      else for (const topic of listed) if (matches(matcher, topic)) names.add(topic);
    }
    return [...names].sort();
  }

  async resolve(backend: Backend): Promise<ResolvedTargets> {
    const starts = new Map<string, StartOptions>();
    const named = new Set<string>();
    const needsList = this.subscriptions.some(({ matcher }) => matcher instanceof RegExp);
    const listed = needsList ? await backend.listTopics() : [];
    for (const { matcher, start } of this.subscriptions) {
      if (typeof matcher === 'string') {
        named.add(matcher);
        starts.set(matcher, start);
      } else {
        for (const topic of listed) if (matches(matcher, topic)) starts.set(topic, start);
      }
    }
    for (const assignment of this.assignments) named.add(assignment.topic);
    const names = [...new Set([...starts.keys(), ...named])];
    const descriptions = new Map<string, TopicDescription>();
    for (const [index, description] of (await Promise.all(names.map((name) => backend.getTopic(name)))).entries()) {
      if (description !== null) descriptions.set(names[index]!, description);
    }

    const targets = new Map<string, PartitionTarget>();
    const missing: string[] = [];
    for (const [topic, start] of starts) {
      const description = descriptions.get(topic);
      if (description === undefined) {
        if (named.has(topic)) missing.push(topic);
        continue;
      }
      for (let partition = 0; partition < description.partitions; partition++) {
        targets.set(partitionKey(topic, partition), { ref: refOf(description, partition), start });
      }
    }
    // Assigned partitions win over subscribed ones: their start options are the more specific.
    for (const assignment of this.assignments) {
      const description = descriptions.get(assignment.topic);
      if (description === undefined) {
        missing.push(assignment.topic);
        continue;
      }
      const partitions = assignment.partitions ?? Array.from({ length: description.partitions }, (_, p) => p);
      for (const partition of partitions) {
        if (partition >= description.partitions) {
          missing.push(partitionKey(assignment.topic, partition));
          continue;
        }
        targets.set(partitionKey(assignment.topic, partition), {
          ref: refOf(description, partition),
          start: { fromBeginning: assignment.fromBeginning, fromTimestamp: assignment.fromTimestamp },
        });
      }
    }
    return { targets, missing: [...new Set(missing)] };
  }
}

function refOf(description: TopicDescription, partition: number): PartitionRef {
  return { topic: description.name, topicId: description.topicId, partition };
}

function matches(matcher: string | RegExp, topic: string): boolean {
  if (typeof matcher === 'string') return matcher === topic;
  // A global or sticky pattern keeps state between calls to test(); start from the beginning every time.
  matcher.lastIndex = 0;
  return matcher.test(topic);
}
