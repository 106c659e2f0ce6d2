/**
 * A throwaway embedded store for CLI tests: `run` starts the real binary with KLOG_HOME pointing at a temp
 * folder, and `klog` is an SDK client on the same folder, to set up topics and records and to check what a
 * command did without parsing its output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Klog } from '../../../sdk/client/klog.js';
import { type KlogRun, type KlogRunOptions, runKlog } from '../../helpers/cli-process.js';

export interface CliHome {
  dir: string;
  url: string;
  klog: Klog;
  run(args: readonly string[], options?: KlogRunOptions): Promise<KlogRun>;
  close(): Promise<void>;
}

export async function openCliHome(): Promise<CliHome> {
  const dir = await mkdtemp(join(tmpdir(), 'klog-cli-'));
  const url = pathToFileURL(dir).href;
  const klog = new Klog({ url });
  // KLOG_URL, KLOG_PROFILE and a config file from the machine running the tests would pick another store.
  const env = { KLOG_HOME: dir, KLOG_URL: '', KLOG_PROFILE: '', KLOG_CONFIG: join(dir, 'no-config.json') };
  return {
    dir,
    url,
    klog,
    run: (args, options = {}) => runKlog(args, { ...options, env: { ...env, ...options.env } }),
    async close() {
      await klog.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
