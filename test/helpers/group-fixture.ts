/**
 * Consumer-group members in one process on one shared store (memory, filesystem or S3), each with its own client
 * context, so that each is a separate member instance. A member's store can be frozen: every request it makes
 * from then on waits until it is thawed, as if its process were stopped (timers still fire, but nothing reaches
 * the store). Records are written straight through a backend, and every handled record is logged with the
 * member that handled it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectBackend } from '../../sdk/backend/direct-backend.js';
import type { ClientContext } from '../../sdk/client/client-context.js';
import { ClientCounters } from '../../sdk/client/counters.js';
import { createLogger, type LogEntry, logLevel } from '../../sdk/client/logger.js';
import { Consumer, type ConsumerConfig } from '../../sdk/consumer/consumer.js';
import type { RunConfig } from '../../sdk/consumer/handlers.js';
import type { LogRecord } from '../../sdk/format/segment.js';
import { randomProducerId } from '../../sdk/log/producer-state.js';
import { partitionRefs, type TopicDescription } from '../../sdk/log/topics.js';
import { FileObjectStore } from '../../sdk/store/file-object-store.js';
import { MemoryObjectStore } from '../../sdk/store/memory-object-store.js';
import type { ObjectStore } from '../../sdk/store/object-store.js';

export const storeKinds = ['memory', 'filesystem'] as const;

/** Short times so that tests run quickly; assertions never depend on them being met exactly. */
export const fastGroup = { sessionTimeoutMs: 1_500, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 10_000 };

export interface Handled {
  member: string;
  topic: string;
  partition: number;
  offset: string;
  value: string;
}

export interface GroupMemberHandle {
  name: string;
  consumer: Consumer;
  /**
   * Freezes this member's store requests (see the file comment), or only those whose key `only` accepts;
   * `thaw` lets them through.
   */
  freeze(only?: (key: string) => boolean): void;
  thaw(): void;
  /** Subscribes to `topics` from the beginning and runs with a handler that logs every record. */
  start(topics: string[], run?: Partial<RunConfig>, onMessage?: (handled: Handled) => Promise<void>): Promise<void>;
}

export interface GroupFixture {
  store: ObjectStore;
  backend: DirectBackend;
  handled: Handled[];
  logs: LogEntry[];
  createTopic(name: string, partitions: number): Promise<TopicDescription>;
  /** Appends `count` records `<topic>-<partition>-<n>` to every partition, continuing each partition's numbering. */
  produce(topic: TopicDescription, count: number): Promise<void>;
  member(name: string, config?: ConsumerConfig): GroupMemberHandle;
  close(): Promise<void>;
}

class FreezableStore implements ObjectStore {
  readonly description: string;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  private only: (key: string) => boolean = () => true;

  constructor(private readonly inner: ObjectStore) {
    this.description = inner.description;
  }

  freeze(only: (key: string) => boolean = () => true): void {
    if (this.gate !== null) return;
    this.only = only;
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  thaw(): void {
    this.open?.();
    this.gate = null;
    this.open = null;
  }

  private async pass(key: string): Promise<void> {
    while (this.gate !== null && this.only(key)) await this.gate;
  }

  async get(...args: Parameters<ObjectStore['get']>) {
    await this.pass(args[0]);
    return this.inner.get(...args);
  }
  async head(...args: Parameters<ObjectStore['head']>) {
    await this.pass(args[0]);
    return this.inner.head(...args);
  }
  async put(...args: Parameters<ObjectStore['put']>) {
    await this.pass(args[0]);
    return this.inner.put(...args);
  }
  async list(...args: Parameters<ObjectStore['list']>) {
    await this.pass(args[0]);
    return this.inner.list(...args);
  }
  async delete(...args: Parameters<ObjectStore['delete']>) {
    await this.pass(args[0]);
    return this.inner.delete(...args);
  }
  async close(): Promise<void> {}
}

/** A fixture on a fresh memory or filesystem store, or on `store` (an S3 store under a fresh prefix). */
export async function openGroupFixture(kind: (typeof storeKinds)[number] | ObjectStore): Promise<GroupFixture> {
  const dir = kind === 'filesystem' ? await mkdtemp(join(tmpdir(), 'klog-group-')) : null;
  const store: ObjectStore =
    typeof kind === 'object' ? kind : dir === null ? new MemoryObjectStore() : new FileObjectStore(dir);
  const backend = new DirectBackend(store);
  const logs: LogEntry[] = [];
  const handled: Handled[] = [];
  const consumers: Consumer[] = [];
  const stores: FreezableStore[] = [];
  const producerId = randomProducerId();
  const next = new Map<string, number>();
  return {
    store,
    backend,
    handled,
    logs,
    createTopic: (name, partitions) => backend.createTopic(name, { partitions }),
    async produce(topic, count) {
      await Promise.all(
        partitionRefs(topic).map(async (ref) => {
          const id = `${ref.topicId}/${ref.partition}`;
          if (!next.has(id)) backend.registerProducer(ref, producerId);
          const from = next.get(id) ?? 0;
          next.set(id, from + count);
          const values = Array.from({ length: count }, (_, n) => `${ref.topic}-${ref.partition}-${from + n}`);
          await backend.append(ref, { records: recordsOf(values, Date.now()), producerId, baseSequence: from });
        }),
      );
    },
    member(name, config = {}) {
      const freezable = new FreezableStore(store);
      stores.push(freezable);
      const context: ClientContext = {
        clientId: name,
        backend: new DirectBackend(freezable),
        logger: createLogger({
          level: logLevel.INFO,
          logCreator: () => (entry) => logs.push({ ...entry, namespace: `${name}:${entry.namespace}` }),
        }),
        counters: new ClientCounters(null),
        retry: { retries: 3, initialRetryTimeMs: 5, maxRetryTimeMs: 50 },
        local: true,
      };
      const consumer = new Consumer(context, { groupId: 'g', ...fastGroup, ...config });
      consumers.push(consumer);
      return {
        name,
        consumer,
        freeze: (only) => freezable.freeze(only),
        thaw: () => freezable.thaw(),
        async start(topics, run = {}, onMessage) {
          await consumer.subscribe({ topics, fromBeginning: true });
          await consumer.run({
            ...run,
            eachMessage: async ({ topic, partition, message }) => {
              const entry = {
                member: name,
                topic,
                partition,
                offset: message.offset,
                value: message.value!.toString(),
              };
              await onMessage?.(entry);
              handled.push(entry);
            },
          });
        },
      };
    },
    async close() {
      for (const freezable of stores) freezable.thaw();
      await Promise.all(consumers.map((consumer) => consumer.disconnect().catch(() => undefined)));
      await store.close();
      if (dir !== null) await rm(dir, { recursive: true, force: true });
    },
  };
}

export function recordsOf(values: readonly string[], timestamp: number): LogRecord[] {
  return values.map((value) => ({ key: null, value: Buffer.from(value), headers: [], timestamp }));
}

/** Records handled more than once, and records produced but never handled, by value. */
export function tally(handled: readonly { value: string }[], produced: readonly string[]) {
  const counts = new Map<string, number>();
  for (const entry of handled) counts.set(entry.value, (counts.get(entry.value) ?? 0) + 1);
  return {
    duplicates: [...counts].filter(([, count]) => count > 1).map(([value]) => value),
    missing: produced.filter((value) => !counts.has(value)),
  };
}

/**
 * A member lost its membership or was removed (on a loaded machine, an event loop stalled for a session timeout
 * does that): records it handled after its last commit may then be handled twice, so "each record once" holds
 * only when this is false.
 */
export function somethingFailed(logs: readonly LogEntry[]): boolean {
  return logs.some((entry) => /Lost the consumer-group membership|Removed a member/.test(entry.log.message));
}

/** Values `<topic>-<p>-<n>` for n in [from, to) on every partition. */
export function values(topic: string, partitions: number, from: number, to: number): string[] {
  return Array.from({ length: partitions }, (_, p) =>
    Array.from({ length: to - from }, (_, n) => `${topic}-${p}-${from + n}`),
  ).flat();
}

/** Waits until `condition` holds, polling; fails after a generous deadline (never a timing assertion). */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = 60_000) {
  const start = performance.now();
  while (!(await condition())) {
    if (performance.now() - start > deadlineMs) throw new Error(`Timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - start;
}
