/**
 * Checks the shape of a group object after decodeJsonObject: a field of the wrong type means something other
 * than klog wrote the object, and it is reported as corrupt with its key instead of failing later somewhere else.
 */
import { KlogError } from '../errors.js';

type FieldType = 'string' | 'number' | 'array' | 'object' | 'string|null' | 'object|null';

export function requireFields<T>(value: T, fields: Record<string, FieldType>, key: string): T {
  const record = value as Record<string, unknown>;
  for (const [field, type] of Object.entries(fields)) {
    if (!hasType(record[field], type)) {
      throw new KlogError(
        'CORRUPT_OBJECT',
        `${key} is corrupt: field "${field}" should be ${type.replace('|', ' or ')}. klog cannot repair it; ` +
          'delete the object (a consumer group rebuilds its state and heartbeats; a committed offset is lost).',
        { context: { key, field } },
      );
    }
  }
  return value;
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string|null':
      return value === null || typeof value === 'string';
    case 'object|null':
      return value === null || (typeof value === 'object' && !Array.isArray(value));
  }
}
