/** The built-in strategies, by kafkajs's names (`PartitionAssigners.roundRobin`) and Kafka's. */
import { cooperativeStickyAssigner } from './cooperative-sticky-assigner.js';
import type { PartitionAssigner } from './partition-assigner.js';
import { rangeAssigner } from './range-assigner.js';
import { roundRobinAssigner } from './round-robin-assigner.js';

export const PartitionAssigners = {
  range: rangeAssigner,
  roundRobin: roundRobinAssigner,
  cooperativeSticky: cooperativeStickyAssigner,
} as const satisfies Record<string, PartitionAssigner>;
