/**
 * Turns a KlogError into the one line the CLI prints: the SDK's message, made specific to the command line.
 * A missing topic says which `klog` command creates it; a store that cannot be reached or refuses access says
 * which store URL was used and where it came from, and for access denied, where the AWS credentials came from.
 */
import type { KlogError } from '../sdk/errors.js';
import type { ResolvedSettings } from './settings.js';

export interface ErrorReportContext {
  /** Undefined when the settings themselves failed (a bad config file or profile). */
  settings: ResolvedSettings | undefined;
  env: NodeJS.ProcessEnv;
  /** What to do about a missing topic: the command's own advice, such as how to create it. */
  missingTopicAdvice: (topic: string) => string;
}

/**
 * Where the AWS SDK's default credential chain will have found credentials, as far as the environment shows:
 * the chain reads AWS_ACCESS_KEY_ID first, then the profile named by AWS_PROFILE (or "default"), then SSO,
 * web identity and instance or task roles, which leave no trace in the environment.
 */
export function credentialSource(env: NodeJS.ProcessEnv): string {
  if (env.AWS_ACCESS_KEY_ID) return 'the environment (AWS_ACCESS_KEY_ID)';
  if (env.AWS_PROFILE) return `profile "${env.AWS_PROFILE}" (AWS_PROFILE)`;
  return 'the default credential chain (~/.aws/credentials and config, SSO, or an instance or task role)';
}

export function errorLine(error: KlogError, context: ErrorReportContext): string {
  return oneLine(messageFor(error, context));
}

function messageFor(error: KlogError, { settings, env, missingTopicAdvice }: ErrorReportContext): string {
  const topic = error.context.topic;
  switch (error.code) {
    case 'TOPIC_NOT_FOUND':
      // A list of names (from a call about several topics) keeps the SDK's message, and so does a message a
      // command wrote itself, which already says how to create the topic.
      if (typeof topic !== 'string' || topic.includes(',') || error.message.includes(' topic create ')) {
        return error.message;
      }
      return `Topic "${topic}" does not exist. ${missingTopicAdvice(topic)}`;
    case 'STORE_UNAVAILABLE':
      return settings === undefined ? error.message : `${error.message} (store ${storeOrigin(settings)})`;
    case 'STORE_ACCESS_DENIED': {
      if (settings === undefined) return error.message;
      const credentials = settings.url.startsWith('s3:') ? `; AWS credentials from ${credentialSource(env)}` : '';
      return `${error.message} (store ${storeOrigin(settings)}${credentials})`;
    }
    default:
      return error.message;
  }
}

function storeOrigin(settings: ResolvedSettings): string {
  return `${settings.url} from ${settings.urlSource}`;
}

/** Scripts read the first line of stderr: keep the whole message on it. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
