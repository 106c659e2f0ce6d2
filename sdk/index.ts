/**
 * klog's public API. Only what apps may rely on is exported here; everything else is internal.
 *
 * Apps use the client: `Klog` (client/) hands out kafkajs-shaped producers (producer/), consumers (consumer/)
 * and admins (admin/), with the errors, logging and defaults they share. The partition log (format/, log/)
 * and the object stores (store/) are a lower-level API for tools that work on the storage itself (the demo,
 * benchmarks, maintenance): no batching, no client retries, no counters. Exports are in path order.
 */
export { Admin } from './admin/admin.js';
export {
  type AlterConfigsRequest,
  type AlterConfigsResponse,
  type ConfigResourceType,
  ConfigResourceTypes,
  type CreatePartitionsRequest,
  type CreateTopicsRequest,
  type DeleteTopicsRequest,
  type DescribeConfigResponse,
  type DescribeConfigsRequest,
  type IResourceConfig,
  type ITopicConfig,
  type ITopicMetadata,
  type ITopicPartitionConfig,
  type PartitionDetails,
  type PartitionMetadata,
  type PartitionOffset,
  type ResourceConfigQuery,
  type TopicDetails,
  type TopicOffsets,
} from './admin/admin-types.js';
export type {
  DeleteGroupsResult,
  FetchOffsetsRequest,
  GroupDescriptionWithOffsets,
  GroupOverview,
  GroupPartitionOffsets,
  OffsetChange,
  OffsetResetTarget,
  ResetOffsetsRequest,
  SetOffsetsRequest,
  TopicPartitionOffsets,
} from './admin/group-admin-types.js';
export {
  type ConfigEntry,
  type ConfigEntryDescription,
  ConfigSource,
  type TopicConfigName,
  topicConfigNames,
} from './admin/topic-configs.js';
export type { BrokerAuthKind } from './backend/broker-auth.js';
export type { KlogCounters } from './client/counters.js';
export { Klog, type KlogConfig, type RemoteConfig } from './client/klog.js';
export { jsonLogCreator, type LogCreator, type LogEntry, type LogLevel, logLevel } from './client/logger.js';
export { type RetryConfig, retryDefaults } from './client/retrier.js';
export {
  consumerDefaults,
  groupDefaults,
  maintenanceDefaults,
  partitionLogDefaults,
  producerDefaults,
  remoteDefaults,
  storeDefaults,
  topicDefaults,
} from './config.js';
export {
  type Assignment,
  type Batch,
  type CommitRequest,
  type ConsumedHeaders,
  type ConsumedMessage,
  Consumer,
  type ConsumerConfig,
  type EachBatchPayload,
  type EachMessagePayload,
  type OffsetResetPolicy,
  type OffsetsByTopicPartition,
  type RunConfig,
  type SeekTarget,
  type SubscribeOptions,
  type TopicPartitions,
} from './consumer/consumer.js';
export {
  type ErrorCode,
  ErrorCodes,
  type ErrorContext,
  isKlogError,
  KlogError,
  type KlogErrorOptions,
} from './errors.js';
export type { Compression } from './format/compression.js';
export type { LogRecord, RecordHeader, StoredRecord } from './format/segment.js';
export type { GroupOptions } from './group/group-config.js';
export type {
  GroupDescription,
  GroupMemberDescription,
  GroupStateName,
  TopicPartitionList,
} from './group/group-description.js';
export type {
  AssignerInput,
  AssignerMember,
  AssignerResult,
  PartitionAssigner,
  TopicPartition,
} from './group/partition-assigner.js';
export { PartitionAssigners } from './group/partition-assigners.js';
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
  alterTopicConfig,
  type CreateTopicOptions,
  createPartitions,
  createTopic,
  deleteTopic,
  getTopic,
  listTopics,
  partitionRefs,
  requireTopic,
  type TopicConfig,
  type TopicDescription,
} from './log/topics.js';
export type {
  PartitionMaintenance,
  PartitionMaintenanceOutcome,
  PartitionMaintenanceReport,
} from './maintenance/maintenance-result.js';
export type { RetentionReason } from './maintenance/retention-plan.js';
export { type MaintenanceOptions, runMaintenance } from './maintenance/run-maintenance.js';
export { validateName } from './names.js';
export {
  type HeaderValue,
  type ICustomPartitioner,
  type IHeaders,
  type Message,
  type PartitionerArgs,
  Producer,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
  type TopicMessages,
} from './producer/producer.js';
export { CountingObjectStore, type RequestCounts } from './store/counting-object-store.js';
export { FileObjectStore } from './store/file-object-store.js';
export type { PartitionRef } from './store/keys.js';
export { MemoryObjectStore } from './store/memory-object-store.js';
export type * from './store/object-store.js';
export { defaultStoreDir, defaultStoreUrl, openObjectStore } from './store/open-object-store.js';
export { S3ObjectStore, s3StoreFromUrl } from './store/s3-object-store.js';
