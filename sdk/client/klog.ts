/**
 * The client: one entry point taking a URL (design brief §1), handing out producers, consumers and admins
 * that share its store connection, counters and logger, as kafkajs's `new Kafka(...)` does.
 *
 *   const klog = new Klog({ url: 's3://bucket/prefix' });   // or file:///dir, memory://; default: the embedded store
 *   const remote = new Klog({ url: 'http://127.0.0.1:9092' });   // a broker (remote mode, docs/sdk.md)
 *   const producer = klog.producer();
 */
import { Admin } from '../admin/admin.js';
import type { Backend } from '../backend/backend.js';
import type { BrokerAuthKind } from '../backend/broker-auth.js';
import { DirectBackend } from '../backend/direct-backend.js';
import { HttpBackend, type HttpBackendOptions } from '../backend/http-backend.js';
import { Consumer, type ConsumerConfig } from '../consumer/consumer.js';
import { Producer, type ProducerConfig } from '../producer/producer.js';
import { CountingObjectStore } from '../store/counting-object-store.js';
import type { ObjectStore } from '../store/object-store.js';
import { defaultStoreUrl, openObjectStore } from '../store/open-object-store.js';
import type { ClientContext } from './client-context.js';
import { ClientCounters, type KlogCounters } from './counters.js';
import { createLogger, type LogCreator, type LogLevel } from './logger.js';
import { type RetryConfig, retryDefaults } from './retrier.js';

export interface KlogConfig {
  /**
   * `file:///dir`, `s3://bucket/prefix` or `memory://`; or a broker, `http(s)://host[:port]` (several separated by
   * commas); default `$KLOG_URL`, else the embedded store.
   */
  url?: string;
  /** A store object instead of a URL (tests, custom stores). */
  store?: ObjectStore;
  clientId?: string;
  /** Silent (`logLevel.NOTHING`) by default. */
  logLevel?: LogLevel;
  logCreator?: LogCreator;
  retry?: Partial<RetryConfig>;
  /** Remote mode: the bearer token for the broker; default `$KLOG_BROKER_TOKEN`. */
  brokerToken?: string;
  /** Remote mode: `aws-iam` (SigV4), `bearer` or `none`; default `aws-iam` for Lambda function URLs, else by token. */
  brokerAuth?: BrokerAuthKind;
  /** Remote mode: timeouts, connections and the fetch long-poll; defaults in `remoteDefaults`. */
  remote?: RemoteConfig;
}

export type RemoteConfig = Pick<
  HttpBackendOptions,
  'requestTimeoutMs' | 'connectTimeoutMs' | 'maxSockets' | 'fetchWaitMs'
>;

/** Does the URL name brokers (remote mode) rather than a store? */
function isBrokerUrl(url: string): boolean {
  return /^https?:\/\//i.test(url.trim());
}

export class Klog {
  readonly url: string;
  private readonly context: ClientContext;

  constructor(config: KlogConfig = {}) {
    this.url = config.url ?? process.env.KLOG_URL ?? defaultStoreUrl();
    const remote = config.store === undefined && isBrokerUrl(this.url);
    const store = remote ? null : new CountingObjectStore(config.store ?? openObjectStore(this.url));
    const logger = createLogger({ level: config.logLevel, logCreator: config.logCreator });
    const clientId = config.clientId ?? 'klog';
    const backend: Backend =
      store === null
        ? new HttpBackend(this.url, {
            ...config.remote,
            brokerToken: config.brokerToken,
            brokerAuth: config.brokerAuth,
            clientId,
          })
        : new DirectBackend(store);
    this.context = {
      clientId,
      backend,
      logger,
      counters: new ClientCounters(store),
      retry: { ...retryDefaults, ...config.retry },
      local: config.store === undefined && !remote && !this.url.startsWith('s3:'),
    };
  }

  producer(config: ProducerConfig = {}): Producer {
    return new Producer(this.context, config);
  }

  consumer(config: ConsumerConfig = {}): Consumer {
    return new Consumer(this.context, config);
  }

  admin(): Admin {
    return new Admin(this.context);
  }

  /** A snapshot of the client's counters. */
  counters(): KlogCounters {
    return this.context.counters.snapshot();
  }

  /** Releases the store's connections. Disconnect producers and consumers first. */
  close(): Promise<void> {
    return this.context.backend.close();
  }
}
