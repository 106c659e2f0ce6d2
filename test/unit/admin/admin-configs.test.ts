import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigResourceTypes } from '../../../sdk/admin/admin-types.js';
import { topicDefaults } from '../../../sdk/config.js';
import { type AdminFixture, openAdmin, storeKinds } from './admin-fixture.js';

const { TOPIC } = ConfigResourceTypes;

describe.each(storeKinds)('Admin configs on the %s store', (kind) => {
  let fixture: AdminFixture;
  beforeEach(async () => {
    fixture = await openAdmin(kind);
  });
  afterEach(() => fixture.close());

  const configOf = async (topic: string) => {
    const { resources } = await fixture.admin.describeConfigs({ resources: [{ type: TOPIC, name: topic }] });
    return Object.fromEntries(
      resources[0]!.configEntries.map((entry) => [entry.configName, [entry.configValue, entry.isDefault]]),
    );
  };

  it('creates a topic with Kafka config names and describes them', async () => {
    await fixture.admin.createTopics({
      topics: [{ topic: 'kept', configEntries: [{ name: 'retention.ms', value: '-1' }] }],
    });
    expect(await configOf('kept')).toEqual({
      'retention.ms': ['-1', false],
      'retention.bytes': [String(topicDefaults.retentionBytes), true],
      'max.message.bytes': [String(topicDefaults.maxMessageBytes), true],
    });
    const { resources, throttleTime } = await fixture.admin.describeConfigs({
      resources: [{ type: TOPIC, name: 'kept', configNames: ['max.message.bytes'] }],
    });
    expect(throttleTime).toBe(0);
    expect(resources).toEqual([
      {
        errorCode: 0,
        errorMessage: null,
        resourceName: 'kept',
        resourceType: TOPIC,
        configEntries: [
          {
            configName: 'max.message.bytes',
            configValue: String(topicDefaults.maxMessageBytes),
            isDefault: true,
            configSource: 5,
            isSensitive: false,
            readOnly: false,
            configSynonyms: [],
          },
        ],
      },
    ]);
  });

  it('changes retention and keeps the settings it was not given', async () => {
    const { admin } = fixture;
    await admin.createTopics({
      topics: [{ topic: 'logs', configEntries: [{ name: 'max.message.bytes', value: '2048' }] }],
    });
    const answer = await admin.alterConfigs({
      resources: [{ type: TOPIC, name: 'logs', configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
    });
    expect(answer.resources).toEqual([{ errorCode: 0, errorMessage: null, resourceName: 'logs', resourceType: TOPIC }]);
    expect(await configOf('logs')).toMatchObject({
      'retention.ms': ['3600000', false],
      'max.message.bytes': ['2048', false],
    });
    await admin.alterConfigs({
      validateOnly: true,
      resources: [{ type: TOPIC, name: 'logs', configEntries: [{ name: 'retention.bytes', value: '1000' }] }],
    });
    expect((await configOf('logs'))['retention.bytes']).toEqual(['-1', true]);
  });

  it('rejects unknown names, bad values, other resource types and missing topics', async () => {
    const { admin } = fixture;
    await admin.createTopics({ topics: [{ topic: 'logs' }] });
    const alter = (name: string, value: string, topic = 'logs') =>
      admin.alterConfigs({ resources: [{ type: TOPIC, name: topic, configEntries: [{ name, value }] }] });
    await expect(alter('segment.ms', '1000')).rejects.toThrow(/supports retention\.ms/);
    await expect(alter('retention.ms', 'soon')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(alter('retention.ms', '1000', 'missing')).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
    await expect(
      admin.describeConfigs({ resources: [{ type: TOPIC, name: 'logs', configNames: ['segment.bytes'] }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      admin.describeConfigs({ resources: [{ type: 4 as typeof TOPIC, name: 'broker-1' }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(admin.describeConfigs({ resources: [{ type: TOPIC, name: 'missing' }] })).rejects.toMatchObject({
      code: 'TOPIC_NOT_FOUND',
    });
    expect((await configOf('logs'))['retention.ms']).toEqual([String(topicDefaults.retentionMs), true]);
  });
});
