import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../cli/settings.js';
import { Klog } from '../../../sdk/client/klog.js';
import { runKlog } from '../../helpers/cli-process.js';

/** One store per place a URL can come from, each holding one topic named after that place. */
const places = ['flag', 'flagProfile', 'env', 'envProfile', 'defaultProfile', 'home'] as const;
type Place = (typeof places)[number];

describe('settings precedence: flags > environment > profile > defaults', () => {
  let root: string;
  let config: string;
  const urls = {} as Record<Place, string>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'klog-settings-'));
    for (const place of places) {
      const dir = join(root, place);
      await mkdir(dir);
      urls[place] = pathToFileURL(dir).href;
      const klog = new Klog({ url: urls[place] });
      await klog.admin().createTopics({ topics: [{ topic: place }] });
      await klog.close();
    }
    config = join(root, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        defaultProfile: 'dev',
        profiles: {
          dev: { url: urls.defaultProfile },
          ops: { url: urls.flagProfile },
          team: { url: urls.envProfile },
          blank: {},
        },
      }),
    );
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  /** Which store `klog topic list` used, told by the one topic it lists. */
  async function storeUsed(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
    const result = await runKlog(['topic', 'list', ...args], {
      env: { KLOG_HOME: join(root, 'home'), KLOG_CONFIG: config, KLOG_URL: '', KLOG_PROFILE: '', ...env },
    });
    expect(result.stderr).toBe('');
    return result.stdout.trim();
  }

  it('picks the store by the documented order (the real binary, KLOG_CONFIG pointing at a temp file)', async () => {
    const everything = { KLOG_URL: urls.env, KLOG_PROFILE: 'team' };
    const used = await Promise.all([
      storeUsed(['--url', urls.flag, '--profile', 'ops'], everything),
      storeUsed(['--profile', 'ops'], everything),
      storeUsed([], everything),
      storeUsed([], { KLOG_PROFILE: 'team' }),
      storeUsed([], {}),
      storeUsed([], { KLOG_CONFIG: join(root, 'missing.json') }),
    ]);
    expect(used).toEqual(['flag', 'flagProfile', 'env', 'envProfile', 'defaultProfile', 'home']);
  });

  it('fails with exit code 3 on a profile that is not in the file and on a config file that is not JSON', async () => {
    const broken = join(root, 'broken.json');
    await writeFile(broken, '{ "profiles": ');
    const env = { KLOG_HOME: join(root, 'home'), KLOG_CONFIG: config, KLOG_URL: '', KLOG_PROFILE: '' };
    const [missing, invalid] = await Promise.all([
      runKlog(['topic', 'list', '--profile', 'prod'], { env }),
      runKlog(['topic', 'list'], { env: { ...env, KLOG_CONFIG: broken } }),
    ]);
    expect(missing).toMatchObject({
      code: 3,
      stderr: `klog: No profile "prod" (from --profile) in ${config}. Add it under "profiles", or choose another profile.\n`,
    });
    expect(invalid).toMatchObject({
      code: 3,
      stderr: `klog: The config file ${broken} is not valid JSON. Fix it or remove it.\n`,
    });
  });

  it('falls through a profile without a URL, and says where the URL came from', () => {
    const env = { KLOG_HOME: join(root, 'home'), KLOG_CONFIG: config };
    expect(resolveSettings({ profile: 'blank' }, { ...env, KLOG_URL: urls.env })).toEqual({
      url: urls.env,
      urlSource: 'KLOG_URL',
    });
    expect(resolveSettings({ profile: 'blank' }, env)).toEqual({
      url: urls.home,
      urlSource: 'the embedded default ($KLOG_HOME or ~/.klog)',
    });
    expect(resolveSettings({}, { ...env, KLOG_PROFILE: 'team' })).toEqual({
      url: urls.envProfile,
      urlSource: `profile team (from KLOG_PROFILE) in ${config}`,
    });
  });
});
