/**
 * Reading a request's input: path parameters, query values and JSON bodies. Every problem is INVALID_ARGUMENT
 * (HTTP 400) with a message naming the parameter, and is found before any store call, so a bad request writes
 * nothing.
 */
import { decimal } from '../../sdk/backend/broker-wire.js';
import { KlogError } from '../../sdk/errors.js';
import { validateName } from '../../sdk/names.js';
import type { PartitionRef } from '../../sdk/store/keys.js';
import type { HandlerContext } from '../handler-context.js';

const TOPIC_ID = /^[0-9a-f-]{1,64}$/;

export function invalid(message: string, context: Record<string, unknown> = {}): KlogError {
  return new KlogError('INVALID_ARGUMENT', message, { context });
}

/** The body as JSON. An empty body is `fallback` when given, else an error. */
export function jsonBody(context: HandlerContext, fallback?: Record<string, unknown>): unknown {
  const { body } = context.request;
  if (body.length === 0) {
    if (fallback !== undefined) return fallback;
    throw invalid('The request needs a JSON body.');
  }
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw invalid(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

/** A JSON body that must be an object. */
export function jsonObjectBody(context: HandlerContext, fallback?: Record<string, unknown>): Record<string, unknown> {
  const value = jsonBody(context, fallback);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('The JSON body must be an object.');
  }
  return value as Record<string, unknown>;
}

export function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  const number = typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min || number > max) {
    throw invalid(`"${name}" must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`, {
      [name]: value,
    });
  }
  return number;
}

/** An optional query value as a whole number in a range. */
export function queryNumber(context: HandlerContext, name: string, min: number, max: number): number | undefined {
  const value = context.request.query.get(name);
  return value === null ? undefined : wholeNumber(value, name, min, max);
}

/** A query value that must be one of `choices`; `fallback` when absent. */
export function queryChoice<T extends string>(
  context: HandlerContext,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = context.request.query.get(name);
  if (value === null) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw invalid(`"${name}" must be one of ${choices.join(', ')}, got "${value}".`);
}

export function offsetValue(value: string | null, name: string): bigint {
  if (value === null) throw invalid(`The query needs "${name}", a decimal offset.`);
  const offset = (() => {
    try {
      return decimal(value, name);
    } catch {
      return -1n;
    }
  })();
  if (offset < 0n) throw invalid(`"${name}" must be a decimal offset from 0, got "${value}".`);
  return offset;
}

export function topicParam(context: HandlerContext): string {
  const topic = validateName('topic', context.params.topic);
  context.note({ topic });
  return topic;
}

export function groupParam(context: HandlerContext): string {
  return validateName('group', context.params.group);
}

/**
 * The partition a route names. With `topicId` in the query it costs nothing; without, one GET of topic.json,
 * which also checks that the topic has the partition.
 */
export async function partitionParam(context: HandlerContext): Promise<PartitionRef> {
  const topic = topicParam(context);
  const partition = wholeNumber(context.params.partition, 'partition', 0, Number.MAX_SAFE_INTEGER);
  context.note({ partition });
  const topicId = context.request.query.get('topicId');
  if (topicId !== null) {
    if (!TOPIC_ID.test(topicId)) throw invalid(`"topicId" is not a topic id: "${topicId}".`, { topic });
    return { topic, topicId, partition };
  }
  const description = await context.backend.getTopic(topic);
  if (description === null) {
    throw new KlogError('TOPIC_NOT_FOUND', `Topic "${topic}" does not exist.`, { context: { topic } });
  }
  if (partition >= description.partitions) {
    throw new KlogError(
      'PARTITION_NOT_FOUND',
      `Topic "${topic}" has ${description.partitions} partitions; there is no partition ${partition}.`,
      { context: { topic, partition } },
    );
  }
  return { topic, topicId: description.topicId, partition };
}
