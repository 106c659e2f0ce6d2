import { describe, expect, it } from 'vitest';
import { describeConfigEntries, parseConfigEntries } from '../../../sdk/admin/topic-configs.js';

describe('topic configs', () => {
  it('maps Kafka names and string values to TopicConfig fields', () => {
    expect(
      parseConfigEntries('t', [
        { name: 'retention.ms', value: '86400000' },
        { name: 'retention.bytes', value: '-1' },
        { name: 'max.message.bytes', value: '4096' },
      ]),
    ).toEqual({ retentionMs: 86_400_000, retentionBytes: -1, maxMessageBytes: 4096 });
    expect(parseConfigEntries('t')).toEqual({});
  });

  it.each([
    ['retention.ms', '0'],
    ['retention.ms', '-2'],
    ['retention.bytes', '1.5'],
    ['retention.bytes', ''],
    ['max.message.bytes', '-1'],
    ['max.message.bytes', '1e6'],
  ])('rejects %s = %j', (name, value) => {
    expect(() => parseConfigEntries('t', [{ name, value }])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', context: { topic: 't', config: name } }),
    );
  });

  it('describes every supported name by default, in a stable order', () => {
    const entries = describeConfigEntries('t', { retentionMs: 5, retentionBytes: -1, maxMessageBytes: 10 });
    expect(entries.map((entry) => `${entry.configName}=${entry.configValue}`)).toEqual([
      'retention.ms=5',
      'retention.bytes=-1',
      'max.message.bytes=10',
    ]);
    expect(entries.map((entry) => entry.configSource)).toEqual([1, 5, 1]);
  });
});
