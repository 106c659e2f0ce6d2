/**
 * Where the CLI's settings come from, in order: flags, then the environment, then the named profile in the
 * config file, then defaults. The config file is `$KLOG_CONFIG`, else `~/.config/klog/config.json`:
 *
 *   { "defaultProfile": "dev",
 *     "profiles": { "dev": { "url": "s3://my-bucket/klog" }, "local": { "url": "file:///var/lib/klog" } } }
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KlogError } from '../sdk/errors.js';
import { defaultStoreUrl } from '../sdk/store/open-object-store.js';

export interface Profile {
  url?: string;
}

export interface ResolvedSettings {
  url: string;
  /** Where the URL came from, for error messages: "--url", "KLOG_URL", "profile dev", "default". */
  urlSource: string;
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.KLOG_CONFIG || join(homedir(), '.config', 'klog', 'config.json');
}

function readProfiles(path: string): { defaultProfile?: string; profiles: Record<string, Profile> } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as { defaultProfile?: string; profiles?: Record<string, Profile> };
    return { defaultProfile: parsed.defaultProfile, profiles: parsed.profiles ?? {} };
  } catch (cause) {
    throw new KlogError('INVALID_ARGUMENT', `The config file ${path} is not valid JSON. Fix it or remove it.`, {
      cause,
    });
  }
}

export function resolveSettings(
  flags: { url?: string; profile?: string },
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSettings {
  if (flags.url) return { url: flags.url, urlSource: '--url' };
  const path = configFilePath(env);
  const file = readProfiles(path);
  const profileName = flags.profile ?? env.KLOG_PROFILE ?? file?.defaultProfile;
  const profile = profileName === undefined ? undefined : file?.profiles[profileName];
  if (profileName !== undefined && (flags.profile !== undefined || env.KLOG_PROFILE) && profile === undefined) {
    throw new KlogError(
      'INVALID_ARGUMENT',
      `No profile "${profileName}" in ${path}. Add it under "profiles", or drop --profile.`,
      { context: { profile: profileName } },
    );
  }
  if (env.KLOG_URL) return { url: env.KLOG_URL, urlSource: 'KLOG_URL' };
  if (profile?.url) return { url: profile.url, urlSource: `profile ${profileName} in ${path}` };
  return { url: defaultStoreUrl(env), urlSource: 'the embedded default ($KLOG_HOME or ~/.klog)' };
}
