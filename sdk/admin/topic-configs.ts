/**
 * Kafka's topic config names (what kafkajs users pass as `configEntries`) mapped to klog's TopicConfig fields.
 * Kafka sends every value as a string; klog stores numbers, so values are parsed and checked here, before any
 * request reaches the store.
 */
import { topicDefaults } from '../config.js';
import { KlogError } from '../errors.js';
import type { TopicConfig } from '../log/topics.js';

/** A config entry as kafkajs writes it: Kafka's name and a string value. */
export interface ConfigEntry {
  name: string;
  value: string;
}

/** Where a described value comes from, with kafkajs's numbers (`ConfigSource` in kafkajs). */
export const ConfigSource = { TOPIC_CONFIG: 1, DEFAULT_CONFIG: 5 } as const;

/** One described config value, shaped as kafkajs's `describeConfigs` answer. */
export interface ConfigEntryDescription {
  configName: string;
  configValue: string;
  /** True when the value equals klog's default (klog does not record whether it was set explicitly). */
  isDefault: boolean;
  configSource: (typeof ConfigSource)[keyof typeof ConfigSource];
  isSensitive: false;
  readOnly: false;
  configSynonyms: [];
}

export const topicConfigNames = {
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'max.message.bytes': 'maxMessageBytes',
} as const satisfies Record<string, keyof TopicConfig>;

export type TopicConfigName = keyof typeof topicConfigNames;

const supportedNames = Object.keys(topicConfigNames) as TopicConfigName[];

function isSupported(name: string): name is TopicConfigName {
  return Object.hasOwn(topicConfigNames, name);
}

function requireSupported(topic: string, name: string): TopicConfigName {
  if (isSupported(name)) return name;
  throw new KlogError(
    'INVALID_ARGUMENT',
    `Topic "${topic}": unsupported config "${name}". klog supports ${supportedNames.join(', ')}.`,
    { context: { topic, config: name } },
  );
}

/**
 * Parses `configEntries` into a partial TopicConfig. Unknown names and values that are not whole numbers in
 * range fail with INVALID_ARGUMENT, as Kafka rejects them (INVALID_CONFIG), instead of being ignored.
 */
export function parseConfigEntries(topic: string, entries: readonly ConfigEntry[] = []): Partial<TopicConfig> {
  const config: Partial<TopicConfig> = {};
  for (const entry of entries) {
    const name = requireSupported(topic, entry.name);
    config[topicConfigNames[name]] = parseValue(topic, name, entry.value);
  }
  return config;
}

function parseValue(topic: string, name: TopicConfigName, value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  const parsed = typeof text === 'string' && /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  const allowsMinusOne = name !== 'max.message.bytes';
  const valid = Number.isSafeInteger(parsed) && (parsed > 0 || (allowsMinusOne && parsed === -1));
  if (valid) return parsed;
  throw new KlogError(
    'INVALID_ARGUMENT',
    `Topic "${topic}": "${name}" must be a positive whole number${allowsMinusOne ? ' or -1 (no limit)' : ''}, ` +
      `got ${JSON.stringify(value)}.`,
    { context: { topic, config: name } },
  );
}

const defaults: TopicConfig = {
  retentionMs: topicDefaults.retentionMs,
  retentionBytes: topicDefaults.retentionBytes,
  maxMessageBytes: topicDefaults.maxMessageBytes,
};

/** Describes a topic's config under Kafka's names: all of them, or only `names` (unknown names fail). */
export function describeConfigEntries(
  topic: string,
  config: TopicConfig,
  names?: readonly string[] | null,
): ConfigEntryDescription[] {
  const wanted =
    names == null || names.length === 0 ? supportedNames : names.map((name) => requireSupported(topic, name));
  return wanted.map((name) => {
    const field = topicConfigNames[name];
    const isDefault = config[field] === defaults[field];
    return {
      configName: name,
      configValue: String(config[field]),
      isDefault,
      configSource: isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.TOPIC_CONFIG,
      isSensitive: false,
      readOnly: false,
      configSynonyms: [],
    };
  });
}
