/**
 * The argument shared by the group commands: a consumer group's name (Kafka's naming rules, checked by the SDK).
 */
import { Args } from '@oclif/core';

export const groupArg = Args.string({ description: 'The consumer group.', required: true });
