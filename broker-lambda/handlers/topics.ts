/** Topic routes: list, create, describe, delete, add partitions, change config. One Backend call each. */

import { KlogError } from '../../sdk/errors.js';
import type { TopicConfig } from '../../sdk/log/topics.js';
import { jsonResponse } from '../broker-http.js';
import type { Handler } from '../handler-context.js';
import { invalid, jsonObjectBody, topicParam, wholeNumber } from './input.js';

const CONFIG_KEYS: readonly (keyof TopicConfig)[] = ['retentionMs', 'retentionBytes', 'maxMessageBytes'];

export const listTopics: Handler = async (context) => jsonResponse(200, { topics: await context.backend.listTopics() });

export const createTopic: Handler = async (context) => {
  const body = jsonObjectBody(context);
  if (typeof body.name !== 'string') throw invalid('The body needs "name", the topic name.');
  context.note({ topic: body.name });
  const partitions =
    body.partitions === undefined ? undefined : wholeNumber(body.partitions, 'partitions', 1, Number.MAX_SAFE_INTEGER);
  const config = body.config === undefined ? undefined : configChanges(body.config, 'config');
  const topic = await context.backend.createTopic(body.name, { partitions, config });
  return jsonResponse(201, topic);
};

export const getTopic: Handler = async (context) => {
  const name = topicParam(context);
  const topic = await context.backend.getTopic(name);
  if (topic === null) {
    throw new KlogError('TOPIC_NOT_FOUND', `Topic "${name}" does not exist.`, { context: { topic: name } });
  }
  return jsonResponse(200, topic);
};

export const deleteTopic: Handler = async (context) =>
  jsonResponse(200, { deleted: await context.backend.deleteTopic(topicParam(context)) });

export const createPartitions: Handler = async (context) => {
  const name = topicParam(context);
  const body = jsonObjectBody(context);
  const partitions = wholeNumber(body.partitions, 'partitions', 1, Number.MAX_SAFE_INTEGER);
  return jsonResponse(200, await context.backend.createPartitions(name, partitions));
};

export const alterTopicConfig: Handler = async (context) => {
  const name = topicParam(context);
  const changes = configChanges(jsonObjectBody(context), 'body');
  return jsonResponse(200, await context.backend.alterTopicConfig(name, changes));
};

/** Config entries of a body: known keys with whole-number values (the log checks their ranges). */
function configChanges(value: unknown, where: string): Partial<TopicConfig> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`"${where}" must be an object of config entries (${CONFIG_KEYS.join(', ')}).`);
  }
  const changes: Partial<TopicConfig> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw invalid(`Unknown topic config "${key}" in ${where}; known: ${CONFIG_KEYS.join(', ')}.`);
    }
    changes[key as keyof TopicConfig] = wholeNumber(entry, key, -1, Number.MAX_SAFE_INTEGER);
  }
  return changes;
}
