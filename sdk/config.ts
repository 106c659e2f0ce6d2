/**
 * Defaults, one object per component, with units in the names. Each comment says what the setting costs
 * in object-store requests, because on S3 every request is billed (PUT and LIST $0.005 per 1,000, GET
 * $0.0004 per 1,000). docs and the README repeat these values in a table.
 */

export const partitionLogDefaults = {
  /**
   * Largest batch a writer accepts, after encoding. Kafka's default `max.message.bytes` is about 1 MiB;
   * one batch becomes one segment object, so larger batches mean fewer PUTs per MB.
   */
  maxBatchBytes: 8 * 1024 * 1024,
  /** How often the resolve routine re-reads the tail key before reporting an unknown outcome. */
  resolveAttempts: 8,
  /** First backoff between resolve attempts; it doubles with jitter. Each attempt costs one GET. */
  resolveBackoffMs: 10,
  /** Largest backoff between resolve attempts. */
  resolveMaxBackoffMs: 1_000,
  /**
   * Segments larger than this are read with range GETs (header first, then only the batches needed) instead
   * of one whole-object GET. Smaller segments are cheaper to fetch whole: one GET instead of two.
   */
  rangeReadThresholdBytes: 4 * 1024 * 1024,
  /** Bytes of a segment's head read to get its header and batch directory in one range GET. */
  headerReadBytes: 64 * 1024,
} as const;

export type PartitionLogOptions = { -readonly [K in keyof typeof partitionLogDefaults]: number };

export const topicDefaults = {
  /** Kafka's `num.partitions` default. Each partition is written and polled separately: more partitions, more requests. */
  partitions: 1,
  /** Kafka's `retention.ms` default: 7 days. -1 keeps records forever. */
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  /** Kafka's `retention.bytes` default: -1, no size limit. */
  retentionBytes: -1,
  /** Largest record (key, value and headers) a producer may send, as Kafka's `max.message.bytes`. */
  maxMessageBytes: 1024 * 1024,
} as const;

/**
 * Maintenance runs (sdk/maintenance/). A run costs per partition one GET (meta), one LIST per 1,000 segments
 * and, for time retention, one range GET per segment header it inspects (it stops at the first segment that is
 * still retained); the lease (1 GET, 2 PUTs) is taken only when there is something to delete.
 */
export const maintenanceDefaults = {
  /**
   * How long a lease stays valid on its holder's clock. A run stops its destructive steps once this has
   * passed; another run may take the lease over after it. Far longer than one partition's retention step.
   */
  leaseMs: 60_000,
  /**
   * Sealed segments (all but the newest) a partition needs after its indexed range before a run writes an index
   * object. Fewer means more index objects; more means longer LISTs for tail discovery and producer scans.
   */
  indexMinSegments: 16,
  /** Segments one index object covers at most: a LIST of `index/` (1,000 keys) then spans a million segments. */
  indexMaxSegments: 1_000,
  /**
   * Compaction merges runs of consecutive segments into `data/` segments of up to this many bytes before they are
   * indexed. Larger means fewer GETs per MB for catching-up consumers (range GETs read only what they need).
   */
  compactionTargetBytes: 32 * 1024 * 1024,
  /**
   * How long after an index object is written the small `log/` originals that its `data/` segments replace are
   * kept. Far longer than any request's lifetime, so a reader that found an original can still read it; the
   * writer's check before acknowledging covers the rest (docs/fencing.md §6).
   */
  compactionGraceMs: 15 * 60 * 1000,
  /** Kafka's producer.id.expiration.ms: producers idle longer than this drop out of index objects' tables. */
  producerIdExpirationMs: 24 * 60 * 60 * 1000,
  /**
   * How long after a topic is deleted a maintenance run purges its segments, index and data objects (the sealed
   * `meta.json` and the `topic.json` tombstone stay). Readers that are mid-read get TOPIC_DELETED either way; the
   * wait keeps a deleted topic's data around briefly for anyone inspecting it by hand.
   */
  purgeGraceMs: 10 * 60 * 1000,
} as const;

export const storeDefaults = {
  /** Connections kept open per S3 endpoint. Reusing them saves a TLS handshake per request. */
  s3MaxSockets: 64,
  /** Time before an S3 request is abandoned; a write abandoned after sending its body is "ambiguous". */
  s3RequestTimeoutMs: 30_000,
  /** Attempts per S3 read on retriable errors (writes are never retried here: the partition log resolves them). */
  s3ReadAttempts: 4,
  /** First backoff between S3 read attempts; it doubles with full jitter. Each attempt is one billed request. */
  s3ReadBackoffMs: 50,
  /** Largest backoff between S3 read attempts. */
  s3ReadMaxBackoffMs: 1_000,
  /**
   * Time to establish a TCP connection to the S3 endpoint. A request that never connected cannot have had an
   * effect, so its failure is "retriable", not "ambiguous": a short limit turns a dead endpoint into a fast,
   * clear error.
   */
  s3ConnectTimeoutMs: 5_000,
} as const;

export const producerDefaults = {
  /**
   * How long a partition's batch waits for more records before it is written. Every flush is one PUT (plus
   * one GET for the meta check) per partition it touches, so on S3 a few hundred milliseconds keeps the bill
   * sane; the embedded filesystem and memory stores use `localLingerMs`.
   */
  lingerMs: 200,
  localLingerMs: 5,
  /** A partition's batch is written once it holds this many bytes: larger batches, fewer PUTs per MB. */
  batchMaxBytes: 1024 * 1024,
  /** Bytes of accepted, unacknowledged records a producer holds; `send` waits (backpressure) beyond it. */
  bufferMaxBytes: 32 * 1024 * 1024,
  /** How long topic metadata (partition counts) is cached; a refresh is one GET of topic.json. */
  metadataMaxAgeMs: 5 * 60 * 1000,
  /** Create a missing topic (with the topic defaults) on first send, as Kafka's auto.create.topics.enable. */
  allowAutoTopicCreation: true,
} as const;

export const consumerDefaults = {
  /** Bytes a consumer buffers across all its partitions; fetching pauses beyond it. */
  maxBytes: 10 * 1024 * 1024,
  /** Bytes fetched per partition per fetch (at least one batch is always returned). */
  maxBytesPerPartition: 1024 * 1024,
  /**
   * An idle partition is polled with a GET of its next segment key, a 404 until data arrives. Polls back
   * off from the minimum to the maximum while idle: on S3, one idle partition polled every second costs
   * about $1 a month in GETs; the embedded stores use the local values.
   */
  idlePollMinMs: 100,
  idlePollMaxMs: 2_000,
  localIdlePollMinMs: 5,
  localIdlePollMaxMs: 100,
  /**
   * Partitions read at the same time. Each read is one GET (or a LIST and GETs when a partition's position
   * moves to an unknown segment); more at once hides the store's latency at the price of memory and sockets.
   */
  maxConcurrentFetches: 8,
  /**
   * How often a subscription is checked for new partitions and, for patterns, new topics: one GET of
   * topic.json per subscribed topic, plus one LIST per topic in the cluster when a pattern is subscribed.
   */
  metadataMaxAgeMs: 5 * 60 * 1000,
} as const;

/**
 * Consumer groups (docs/consumer-groups.md). Every member writes its heartbeat object (1 PUT) and reads the group
 * state (1 GET) once per heartbeat interval; only the leader LISTs the heartbeats (1 LIST and a GET per other
 * member). A month has 864,000 intervals of 3 s: about $5 per member and $4 more for the leader on S3.
 */
export const groupDefaults = {
  /**
   * A member whose heartbeat object has not changed for this long (on the observer's own clock) is expired and
   * its partitions move. Longer: slower takeover after a crash. kafkajs's default.
   */
  sessionTimeoutMs: 30_000,
  /** Time between heartbeats (1 PUT each) and state reads (1 GET each); at most a third of the session timeout. */
  heartbeatIntervalMs: 3_000,
  /** How long a member may take to release revoked partitions (its handler finishing) before it is removed. */
  rebalanceTimeoutMs: 60_000,
  /** A handler running longer than this loses its partitions (the member leaves and joins again after it). */
  maxPollIntervalMs: 300_000,
  /**
   * Offsets are committed this often (ms), and only for partitions whose position moved: 1 PUT per moved
   * partition per interval. Committing every 5 s whether or not anything moved would cost about $26 a month per
   * 10 partitions.
   */
  autoCommitIntervalMs: 5_000,
} as const;

/**
 * Brokers (broker-lambda/, `klog broker start`; docs/broker-api.md). A broker adds no object-store requests of its
 * own: each route costs what its Backend call costs. Group commit is what makes a broker cheaper than its callers
 * writing alone: concurrent produce requests for one partition share one segment (1 PUT and 1 GET).
 */
export const brokerDefaults = {
  /** `klog broker start` listens here: loopback unless told otherwise. 9092 is Kafka's port. */
  port: 9092,
  host: '127.0.0.1',
  /** Largest request body (bytes). Lambda refuses payloads above 6 MB, so a larger limit would only work locally. */
  maxRequestBytes: 6 * 1024 * 1024,
  /**
   * How long the first produce request for an idle partition waits for others to share its segment (ms); 0 gathers
   * only the requests that arrived in the same turn of the event loop. Requests that arrive while a segment is being
   * written (an S3 PUT takes tens of ms) share the next segment whatever this is, so under load segments are shared
   * anyway; a linger would only add its time to every append of a producer, which has one batch in flight per
   * partition (a 2 ms linger cost a quarter of a producer's throughput through a broker on MinIO).
   */
  groupCommitLingerMs: 0,
  /** A group is written at once when its batches reach this many bytes (one segment). */
  groupCommitMaxBytes: 4 * 1024 * 1024,
  /** Largest `maxBytes` of a fetch (bytes): 4 MiB of records is under Lambda's 6 MB answer limit after base64. */
  maxFetchBytes: 4 * 1024 * 1024,
  /** `maxBytes` of a fetch that names none. */
  defaultFetchBytes: 1024 * 1024,
  /** Longest long-poll (ms). Each poll while waiting is 1 GET; on Lambda the wait is also billed GB-seconds. */
  maxWaitMs: 20_000,
  /** First and largest pause between the polls of a long-poll (ms): 1 GET each, backing off while idle. */
  fetchPollMinMs: 50,
  fetchPollMaxMs: 1_000,
  /**
   * Partition readers a broker keeps between fetches. A kept reader knows its segment boundary, so the next
   * fetch is 1 GET instead of 1 GET + 1 LIST + 1 GET. It caches immutable segments only: it decides nothing.
   */
  readerCacheSize: 1_024,
  /** On SIGINT/SIGTERM, how long in-flight requests may take before the server closes anyway (ms). */
  shutdownGraceMs: 25_000,
} as const;

/** The remote backend (`new Klog({ url: 'http://...' })`): how the SDK talks to brokers. */
export const remoteDefaults = {
  /** Limit on the wait for a broker's answer (ms), on top of a fetch's long-poll. */
  requestTimeoutMs: 30_000,
  /** Limit on opening a connection to a broker (ms); then the next broker of the URL is tried. */
  connectTimeoutMs: 5_000,
  /** Keep-alive connections per broker. A consumer holds one per partition it long-polls. */
  maxSockets: 256,
  /**
   * How long a fetch waits at the broker for records when a partition has none (ms). Longer waits mean fewer
   * requests for an idle consumer, but a consumer's stop waits for its fetches in flight, and on Lambda the wait
   * is billed.
   */
  fetchWaitMs: 1_000,
} as const;
