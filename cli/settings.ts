/**
 * Where the CLI's settings come from, in order: flags, then the environment, then the config file, then
 * defaults (resolveSettings has the details). The config file is `$KLOG_CONFIG`, else
 * `~/.config/klog/config.json`:
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

/** A profile picked by name, and what named it, for messages. */
interface ChosenProfile {
  name: string;
  origin: '--profile' | 'KLOG_PROFILE' | 'defaultProfile';
}

/**
 * Resolves the store URL. A flag beats the environment, which beats the config file: `--url`, then the profile
 * named by `--profile`, then KLOG_URL, then the profile named by KLOG_PROFILE, then the file's `defaultProfile`,
 * then the embedded default. A named profile must exist: a typo is an error, not a silent fall-back to another
 * store. A profile without a URL passes on to the next source.
 */
export function resolveSettings(
  flags: { url?: string; profile?: string },
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSettings {
  if (flags.url) return { url: flags.url, urlSource: '--url' };
  const path = configFilePath(env);
  const file = readProfiles(path);
  const chosen: ChosenProfile | undefined = flags.profile
    ? { name: flags.profile, origin: '--profile' }
    : env.KLOG_PROFILE
      ? { name: env.KLOG_PROFILE, origin: 'KLOG_PROFILE' }
      : file?.defaultProfile
        ? { name: file.defaultProfile, origin: 'defaultProfile' }
        : undefined;
  const profileUrl = chosen === undefined ? undefined : requireProfile(file?.profiles ?? {}, chosen, path).url;
  const fromProfile =
    chosen !== undefined && profileUrl
      ? { url: profileUrl, urlSource: `profile ${chosen.name} (from ${chosen.origin}) in ${path}` }
      : undefined;
  if (fromProfile !== undefined && chosen?.origin === '--profile') return fromProfile;
  if (env.KLOG_URL) return { url: env.KLOG_URL, urlSource: 'KLOG_URL' };
  return fromProfile ?? { url: defaultStoreUrl(env), urlSource: 'the embedded default ($KLOG_HOME or ~/.klog)' };
}

function requireProfile(profiles: Record<string, Profile>, chosen: ChosenProfile, path: string): Profile {
  const profile = Object.hasOwn(profiles, chosen.name) ? profiles[chosen.name] : undefined;
  if (profile !== undefined) return profile;
  throw new KlogError(
    'INVALID_ARGUMENT',
    `No profile "${chosen.name}" (from ${chosen.origin}) in ${path}. Add it under "profiles", or choose another ` +
      'profile.',
    { context: { profile: chosen.name } },
  );
}
