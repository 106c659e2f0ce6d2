import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliHome, openCliHome } from '../../cli-home.js';

describe('klog topic delete', () => {
  let home: CliHome;
  beforeEach(async () => {
    home = await openCliHome();
  });
  afterEach(() => home.close());

  it('deletes without asking', async () => {
    await home.klog.admin().createTopics({ topics: [{ topic: 'orders' }, { topic: 'keep' }] });
    const deleted = await home.run(['topic', 'delete', 'orders']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted topic orders.\n' });
    expect(await home.klog.admin().listTopics()).toEqual(['keep']);
  });

  it('fails on a missing topic with exit code 4 unless --if-exists', async () => {
    const [missing, tolerated] = await Promise.all([
      home.run(['topic', 'delete', 'orders']),
      home.run(['topic', 'delete', 'orders', '--if-exists', '--json']),
    ]);
    expect(missing).toMatchObject({
      code: 4,
      stderr:
        'klog: Topic "orders" does not exist. Nothing to delete; add --if-exists to succeed when it is missing.\n',
    });
    expect(tolerated.code).toBe(0);
    expect(JSON.parse(tolerated.stdout)).toEqual({ topic: 'orders', deleted: false });
  });
});
