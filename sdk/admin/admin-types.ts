/**
 * The Admin's request and answer shapes, as kafkajs's `admin` has them, so code written for kafkajs compiles
 * against klog with few changes. Fields kafkajs accepts that mean nothing without brokers (replication,
 * timeouts) are accepted and ignored; they are marked below.
 */
import type { ConfigEntry, ConfigEntryDescription } from './topic-configs.js';

/**
 * Config resource types with kafkajs's numbers. klog has topics only: there are no brokers to configure,
 * so TOPIC is the one type.
 */
export const ConfigResourceTypes = { TOPIC: 2 } as const;
export type ConfigResourceType = (typeof ConfigResourceTypes)[keyof typeof ConfigResourceTypes];

export interface ITopicConfig {
  topic: string;
  /** Partitions of the new topic; the topic default (1, Kafka's `num.partitions`) when left out or -1. */
  numPartitions?: number;
  /** Ignored: the object store keeps the copies. */
  replicationFactor?: number;
  /** `retention.ms`, `retention.bytes` and `max.message.bytes`. */
  configEntries?: ConfigEntry[];
}

export interface CreateTopicsRequest {
  topics: ITopicConfig[];
  /** Checks the request (names, partition counts, configs) and creates nothing. */
  validateOnly?: boolean;
  /** Ignored: every topic is ready as soon as its topic.json exists. */
  waitForLeaders?: boolean;
  /** Ignored: requests are bounded by the client's retry settings. */
  timeout?: number;
}

export interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface ITopicMetadata {
  name: string;
  partitions: PartitionMetadata[];
}

export interface TopicOffsets {
  partition: number;
  /** The log-end offset (the offset the next record will get), as kafkajs's `offset`. */
  offset: string;
  high: string;
  /** The log-start offset: the oldest offset retention has kept. */
  low: string;
}

/** One partition as `Admin.describeTopic` reports it: its offsets and what it occupies in the store. */
export interface PartitionDetails {
  partition: number;
  /** The log-start offset (the oldest offset retention has kept). */
  earliestOffset: string;
  /** The log-end offset (the offset the next record will get). */
  latestOffset: string;
  /** Segment objects from the log start on. */
  segments: number;
  /** Their total size in bytes. */
  bytes: number;
}

/** A topic as `Admin.describeTopic` reports it (klog's own call; kafkajs has no equivalent). */
export interface TopicDetails {
  topic: string;
  /** A new id each time a topic is created, so a topic created again under the same name is a different one. */
  topicId: string;
  /** Creation time, ms since the epoch, as a string (as kafkajs writes timestamps). */
  createdAt: string;
  /** Every supported config under Kafka's names, with its value as a string. */
  config: Record<string, string>;
  partitions: PartitionDetails[];
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

export interface DeleteTopicsRequest {
  topics: string[];
  /** Ignored, as in CreateTopicsRequest. */
  timeout?: number;
}

export interface ITopicPartitionConfig {
  topic: string;
  /** The new total partition count (not the number to add), as Kafka's. */
  count: number;
}

export interface CreatePartitionsRequest {
  topicPartitions: ITopicPartitionConfig[];
  validateOnly?: boolean;
  /** Ignored, as in CreateTopicsRequest. */
  timeout?: number;
}

export interface ResourceConfigQuery {
  type: ConfigResourceType;
  name: string;
  /** Kafka config names to describe; all supported ones when left out. */
  configNames?: string[];
}

export interface DescribeConfigsRequest {
  resources: ResourceConfigQuery[];
  /** Ignored: klog has no broker-level configs that a topic value could be a synonym of. */
  includeSynonyms?: boolean;
}

export interface DescribeConfigResponse {
  resources: {
    errorCode: 0;
    errorMessage: null;
    resourceName: string;
    resourceType: ConfigResourceType;
    configEntries: ConfigEntryDescription[];
  }[];
  throttleTime: 0;
}

export interface IResourceConfig {
  type: ConfigResourceType;
  name: string;
  configEntries: ConfigEntry[];
}

export interface AlterConfigsRequest {
  resources: IResourceConfig[];
  validateOnly?: boolean;
}

export interface AlterConfigsResponse {
  resources: { errorCode: 0; errorMessage: null; resourceName: string; resourceType: ConfigResourceType }[];
  throttleTime: 0;
}
