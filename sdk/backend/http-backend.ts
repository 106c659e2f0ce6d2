/**
 * The remote backend: the Backend interface over a klog broker's HTTP API (docs/broker-api.md), chosen by an
 * `http://` or `https://` client URL. Producers, consumers, admins and consumer groups work as in direct mode;
 * the broker does the object-store work.
 *
 *   new Klog({ url: 'http://127.0.0.1:9092' })                       // `klog broker start`
 *   new Klog({ url: 'http://b1:9092,http://b2:9092', brokerToken })   // the next broker when one is down
 *   new Klog({ url: 'https://<id>.lambda-url.<region>.on.aws' })      // AWS_IAM function URL, SigV4-signed
 *
 * What differs from direct mode:
 *   - `registerProducer` sends nothing: brokers are stateless, so a producer id's next batch may reach a broker
 *     that never saw it, and each broker learns an unknown id from the log (docs/broker-api.md, Produce).
 *   - Appends are retried safely: a request whose answer was lost is UNKNOWN_OUTCOME (retriable), and the
 *     producer's retry with the same producer id and sequence is stored once, whichever broker it reaches.
 *   - `takeOver` (exclusive writers with a fencing id) has no route: an exclusive writer's epoch must live in one
 *     writer, and a stateless broker cannot keep it. It rejects with STORE_UNSUPPORTED.
 */
import { brokerDefaults, remoteDefaults } from '../config.js';
import { KlogError } from '../errors.js';
import type { PartitionStats } from '../log/partition-stats.js';
import type { AppendRequest, AppendResult } from '../log/partition-writer.js';
import type { CreateTopicOptions, TopicConfig, TopicDescription } from '../log/topics.js';
import type { ExclusiveWriter } from '../log/writer-fence.js';
import type { PartitionMaintenance } from '../maintenance/maintenance-result.js';
import type { MaintenanceOptions } from '../maintenance/run-maintenance.js';
import type { PartitionRef } from '../store/keys.js';
import type { Backend, GroupStorage, PartitionReadHandle } from './backend.js';
import { type BrokerAuthOptions, brokerAuthFor } from './broker-auth.js';
import { BrokerCalls } from './broker-calls.js';
import { encodeProduceBody } from './broker-records.js';
import {
  type AppendResultJson,
  appendResultFromJson,
  BATCH_CONTENT_TYPE,
  BrokerHeaders,
  brokerPaths,
  type MaintenanceRunJson,
  maintenanceFromJson,
  type PartitionStatsJson,
  partitionStatsFromJson,
} from './broker-wire.js';
import { HttpGroupStorage } from './http-group-storage.js';
import { HttpPartitionReader } from './http-partition-reader.js';
import { HttpTransport, parseBrokerUrls } from './http-transport.js';

export interface HttpBackendOptions extends BrokerAuthOptions {
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  maxSockets?: number;
  /** How long a fetch waits at the broker for records when there are none (ms); 0 for no long-poll. */
  fetchWaitMs?: number;
  /** Sent as `user-agent`, after `klog`. */
  clientId?: string;
}

export class HttpBackend implements Backend {
  readonly description: string;
  readonly groups: GroupStorage;
  private readonly calls: BrokerCalls;
  private readonly fetchWaitMs: number;

  /** `url` is one broker URL or several separated by commas, all serving the same cluster. */
  constructor(url: string, options: HttpBackendOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    const brokers = parseBrokerUrls(url).map((base) => ({ url: base, auth: brokerAuthFor(base, options, env) }));
    const transport = new HttpTransport({
      brokers,
      requestTimeoutMs: options.requestTimeoutMs ?? remoteDefaults.requestTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? remoteDefaults.connectTimeoutMs,
      maxSockets: options.maxSockets ?? remoteDefaults.maxSockets,
      userAgent: `klog${options.clientId === undefined ? '' : ` (${options.clientId})`}`,
    });
    this.calls = new BrokerCalls(transport);
    this.groups = new HttpGroupStorage(this.calls);
    this.fetchWaitMs = options.fetchWaitMs ?? remoteDefaults.fetchWaitMs;
    this.description = `the broker${brokers.length > 1 ? 's' : ''} at ${transport.brokers.join(', ')}`;
  }

  async getTopic(name: string): Promise<TopicDescription | null> {
    try {
      return await this.calls.json<TopicDescription>({
        method: 'GET',
        path: brokerPaths.topic(name),
        idempotent: true,
        what: `read topic "${name}"`,
      });
    } catch (error) {
      if (error instanceof KlogError && error.code === 'TOPIC_NOT_FOUND') return null;
      throw error;
    }
  }

  createTopic(name: string, options: CreateTopicOptions = {}): Promise<TopicDescription> {
    return this.calls.sendJson(
      { method: 'POST', path: brokerPaths.topics(), what: `create topic "${name}"` },
      { name, ...options },
    );
  }

  async listTopics(): Promise<string[]> {
    const answer = await this.calls.json<{ topics: string[] }>({
      method: 'GET',
      path: brokerPaths.topics(),
      idempotent: true,
      what: 'list topics',
    });
    return answer.topics;
  }

  async deleteTopic(name: string): Promise<boolean> {
    const answer = await this.calls.json<{ deleted: boolean }>({
      method: 'DELETE',
      path: brokerPaths.topic(name),
      what: `delete topic "${name}"`,
    });
    return answer.deleted;
  }

  createPartitions(name: string, partitions: number): Promise<TopicDescription> {
    return this.calls.sendJson(
      { method: 'POST', path: brokerPaths.topicPartitions(name), what: `add partitions to "${name}"` },
      { partitions },
    );
  }

  alterTopicConfig(name: string, changes: Partial<TopicConfig>): Promise<TopicDescription> {
    return this.calls.sendJson(
      { method: 'PATCH', path: brokerPaths.topicConfig(name), what: `change the config of "${name}"` },
      changes,
    );
  }

  async partitionStats(ref: PartitionRef): Promise<PartitionStats> {
    const answer = await this.calls.json<PartitionStatsJson>({
      method: 'GET',
      path: brokerPaths.partitionStats(ref),
      idempotent: true,
      what: `describe ${ref.topic}/${ref.partition}`,
    });
    return partitionStatsFromJson(answer);
  }

  /** One binary batch per request; a lost answer is UNKNOWN_OUTCOME, and the producer's retry is stored once. */
  async append(ref: PartitionRef, request: AppendRequest): Promise<AppendResult> {
    if (request.writer !== undefined) throw noExclusiveWriters(ref);
    const answer = await this.calls.json<AppendResultJson>({
      method: 'POST',
      path: brokerPaths.produce(ref),
      headers: { [BrokerHeaders.contentType]: BATCH_CONTENT_TYPE },
      body: encodeProduceBody(request),
      // The batch carries its producer id and sequence: sending it again cannot store it twice.
      idempotent: true,
      unanswered: 'UNKNOWN_OUTCOME',
      what: `append to ${ref.topic}/${ref.partition}`,
    });
    return appendResultFromJson(answer);
  }

  /** Nothing to send: see the file comment. */
  registerProducer(_ref: PartitionRef, _producerId: bigint): void {}

  takeOver(ref: PartitionRef, _writer: ExclusiveWriter): Promise<number> {
    return Promise.reject(noExclusiveWriters(ref));
  }

  openReader(ref: PartitionRef): PartitionReadHandle {
    return new HttpPartitionReader(this.calls, ref, {
      waitMs: Math.min(this.fetchWaitMs, brokerDefaults.maxWaitMs),
      maxFetchBytes: brokerDefaults.maxFetchBytes,
    });
  }

  async runMaintenance(options: MaintenanceOptions = {}): Promise<PartitionMaintenance[]> {
    const answer = await this.calls.sendJson<MaintenanceRunJson>(
      { method: 'POST', path: brokerPaths.maintenanceRuns(), what: 'run maintenance' },
      { topics: options.topics, now: options.now },
    );
    return maintenanceFromJson(answer);
  }

  async close(): Promise<void> {
    this.calls.transport.close();
  }
}

function noExclusiveWriters(ref: PartitionRef): KlogError {
  return new KlogError(
    'STORE_UNSUPPORTED',
    `Exclusive writers (a producer with a fencing id) need direct mode: a broker is stateless and cannot hold ` +
      `the writer's epoch for ${ref.topic}/${ref.partition}. Use an s3:// or file:// URL for this producer.`,
    { context: { topic: ref.topic, partition: ref.partition } },
  );
}
