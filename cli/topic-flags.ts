/**
 * Flags and the argument shared by the topic commands, with kafka-topics' names: `--partitions N` and
 * repeatable `--config name=value` (Kafka's config names; the SDK checks names and values).
 */
import { Args, Flags } from '@oclif/core';
import type { ConfigEntry } from '../sdk/admin/topic-configs.js';
import { KlogError } from '../sdk/errors.js';

export const topicArg = Args.string({ description: 'The topic name.', required: true });

export function partitionsFlag(summary: string) {
  return Flags.integer({ summary, min: 1 });
}

export const configFlag = Flags.string({
  summary: 'A topic config as name=value, with Kafka names: retention.ms, retention.bytes, max.message.bytes.',
  description: 'Repeat the flag to set several.',
  helpValue: '<name=value>',
  multiple: true,
  // Without this, `--config a=1 orders` would take the topic name as a second config.
  multipleNonGreedy: true,
});

/** Parses `--config` values into the entries kafkajs-style admin calls take. */
export function parseConfigFlags(values: readonly string[] | undefined): ConfigEntry[] {
  return (values ?? []).map((text) => {
    const separator = text.indexOf('=');
    if (separator <= 0) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `--config takes name=value (for example --config retention.ms=86400000), got "${text}".`,
        { context: { config: text } },
      );
    }
    return { name: text.slice(0, separator).trim(), value: text.slice(separator + 1).trim() };
  });
}
