import { describe, expect, it } from 'vitest';
import { consoleFormatter, formatFormatter, type OutputRecord } from '../../../cli/consume-format.js';
import type { ConsumedMessage } from '../../../sdk/consumer/consumed-message.js';

function record(message: Partial<ConsumedMessage> = {}): OutputRecord {
  return {
    topic: 'orders',
    partition: 2,
    message: {
      key: Buffer.from('k1'),
      value: Buffer.from('v1'),
      headers: { a: Buffer.from('1'), b: [Buffer.from('x'), Buffer.from('y')] },
      timestamp: '1700000000000',
      offset: '42',
      attributes: 0,
      size: 0,
      ...message,
    },
  };
}

const noPrints = {
  printTimestamp: false,
  printPartition: false,
  printOffset: false,
  printHeaders: false,
  printKey: false,
  separator: '\t',
  encoding: 'utf8' as const,
};

describe('consoleFormatter (Kafka console consumer layout)', () => {
  it('prints the value and a newline by default, "null" for a null value', () => {
    const format = consoleFormatter(noPrints);
    expect(format(record()).toString()).toBe('v1\n');
    expect(format(record({ value: null })).toString()).toBe('null\n');
  });

  it('prints the chosen fields in Kafka order, separated by the key separator', () => {
    const format = consoleFormatter({
      ...noPrints,
      printTimestamp: true,
      printPartition: true,
      printOffset: true,
      printHeaders: true,
      printKey: true,
      separator: ' | ',
    });
    expect(format(record()).toString()).toBe(
      'CreateTime:1700000000000 | Partition:2 | Offset:42 | a:1,b:x,b:y | k1 | v1\n',
    );
    expect(format(record({ key: null, headers: {} })).toString()).toBe(
      'CreateTime:1700000000000 | Partition:2 | Offset:42 | NO_HEADERS | null | v1\n',
    );
  });

  it('writes bytes as they are, or base64 with --encoding base64', () => {
    const binary = Buffer.from([0xff, 0x00, 0x80]);
    expect(consoleFormatter(noPrints)(record({ value: binary }))).toEqual(Buffer.concat([binary, Buffer.from('\n')]));
    const base64 = consoleFormatter({ ...noPrints, printKey: true, encoding: 'base64' });
    expect(base64(record({ value: binary })).toString()).toBe('azE=\t/wCA\n');
  });
});

describe('formatFormatter (kcat tokens)', () => {
  it('fills in every token', () => {
    const format = formatFormatter('%t %p %o %T %k %s %K %S %h', 'utf8');
    expect(format(record()).toString()).toBe('orders 2 42 1700000000000 k1 v1 2 2 a=1,b=x,b=y');
  });

  it('reads \\n, \\t and %% and adds nothing of its own', () => {
    expect(formatFormatter('%k\\t%s\\n', 'utf8')(record()).toString()).toBe('k1\tv1\n');
    expect(formatFormatter('100%% %s', 'utf8')(record()).toString()).toBe('100% v1');
  });

  it('prints null as nothing and its length as -1', () => {
    const format = formatFormatter('[%k|%K|%s|%S|%h]', 'utf8');
    expect(format(record({ key: null, value: null, headers: {} })).toString()).toBe('[|-1||-1|]');
  });

  it('encodes keys, values and headers in base64 when asked', () => {
    expect(formatFormatter('%k %s %h', 'base64')(record({ headers: { a: Buffer.from('1') } })).toString()).toBe(
      'azE= djE= a=MQ==',
    );
  });

  it('refuses an unknown token or a lone % at the end, listing the tokens', () => {
    expect(() => formatFormatter('%x', 'utf8')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"%x"') }),
    );
    expect(() => formatFormatter('%s%', 'utf8')).toThrow(/a "%" at the end.*%t topic/);
  });
});
