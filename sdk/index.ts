/**
 * klog's public API. Only what apps may rely on is exported here; everything else is internal.
 */
export { partitionLogDefaults, storeDefaults, topicDefaults } from './config.js';
export { type ErrorCode, ErrorCodes, type ErrorContext, isKlogError, KlogError } from './errors.js';
export type { Compression } from './format/compression.js';
export type { LogRecord, RecordHeader, StoredRecord } from './format/segment.js';
export { ensureClusterMarker } from './log/cluster-marker.js';
export { PartitionReader, type ReadOptions, type ReadResult, readDefaults } from './log/partition-reader.js';
export { type PartitionStats, partitionStats, topicStats } from './log/partition-stats.js';
export {
  type AppendRequest,
  type AppendResult,
  PartitionWriter,
  type PartitionWriterOptions,
} from './log/partition-writer.js';
export { randomProducerId } from './log/producer-state.js';
export {
  type CreateTopicOptions,
  createTopic,
  deleteTopic,
  getTopic,
  listTopics,
  partitionRefs,
  requireTopic,
  type TopicConfig,
  type TopicDescription,
} from './log/topics.js';
export { validateName } from './names.js';
export { CountingObjectStore } from './store/counting-object-store.js';
export { FileObjectStore } from './store/file-object-store.js';
export type { PartitionRef } from './store/keys.js';
export { MemoryObjectStore } from './store/memory-object-store.js';
export type * from './store/object-store.js';
export { defaultStoreDir, defaultStoreUrl, openObjectStore } from './store/open-object-store.js';
export { S3ObjectStore, s3StoreFromUrl } from './store/s3-object-store.js';
