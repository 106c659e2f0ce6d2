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
