/**
 * What every klog command shares: the global flags, the client built from the resolved settings, and the
 * rendering of errors as one line with a documented exit code (a stack trace only with --debug). Commands stay
 * thin: parse input, make SDK calls, render the result.
 */
import { Command, Flags, type Interfaces } from '@oclif/core';
import { Klog } from '../sdk/client/klog.js';
import type { RetryConfig } from '../sdk/client/retrier.js';
import { isKlogError, type KlogError } from '../sdk/errors.js';
import { errorLine } from './error-report.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { type ResolvedSettings, resolveSettings } from './settings.js';

/** The client id of the CLI's clients: in the store's logs, and the prefix of a consumer-group member's id. */
export const cliClientId = 'klog-cli';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof KlogCommand)['baseFlags'] & T['flags']
>;

export abstract class KlogCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    url: Flags.string({
      summary: 'Where the log lives: file:///dir, s3://bucket/prefix, memory://, or a broker http(s)://host:port.',
      description:
        'Default: the URL of the --profile, then $KLOG_URL, then the profile named by $KLOG_PROFILE or by the ' +
        'config file\'s "defaultProfile", then the embedded store in $KLOG_HOME (else ~/.klog).',
      helpGroup: 'GLOBAL',
    }),
    // Not `env: 'KLOG_PROFILE'`: resolveSettings reads that itself, because a profile named on the command line
    // beats KLOG_URL while one named in the environment does not.
    profile: Flags.string({
      summary: 'Named settings from the config file ($KLOG_CONFIG, else ~/.config/klog/config.json).',
      description: 'Default: $KLOG_PROFILE, then the config file\'s "defaultProfile".',
      helpGroup: 'GLOBAL',
    }),
    debug: Flags.boolean({ summary: 'Print the stack trace of an error.', helpGroup: 'GLOBAL' }),
  };

  /**
   * The client's retry policy. The store already retries each read about 20 times within a second and the
   * partition writer resolves failed writes itself; the client's own retries (5 by default, with backoff up to
   * 30 s) would make a dead endpoint take many seconds to report. A one-shot command fails fast and the user
   * reruns it; a long-running command (a consumer that follows the log, a benchmark) may raise this.
   */
  protected static clientRetry: Partial<RetryConfig> = { retries: 0 };

  protected flags!: BaseFlags<T>;
  protected settings!: ResolvedSettings;
  private client: Klog | undefined;

  public override async init(): Promise<void> {
    await super.init();
    const { flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof KlogCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.settings = resolveSettings(this.flags);
  }

  /** The client, created on first use so that `--help` and usage errors never touch the store. */
  protected get klog(): Klog {
    // The AWS SDK warns on every run under Node 20 about its releases after January 2027; klog pins its version.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client ??= new Klog({
      url: this.settings.url,
      clientId: cliClientId,
      retry: (this.constructor as typeof KlogCommand).clientRetry,
    });
    return this.client;
  }

  /**
   * The advice printed after "Topic "x" does not exist.": by default, the command that creates it, with the
   * same --url or --profile flag as this run. Commands for which creating makes no sense (delete) override it.
   */
  protected missingTopicAdvice(topic: string): string {
    return `Create it with: ${this.config.bin} topic create ${topic}${this.storeFlags()}`;
  }

  /** The global flags that chose the store on this command line, to repeat in suggested commands. */
  protected storeFlags(): string {
    if (this.flags?.url) return ` --url ${this.flags.url}`;
    if (this.flags?.profile) return ` --profile ${this.flags.profile}`;
    return '';
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<never> {
    if (isKlogError(error)) {
      const message = errorLine(error, {
        settings: this.settings,
        env: process.env,
        missingTopicAdvice: (topic) => this.missingTopicAdvice(topic),
      });
      if (this.jsonEnabled()) this.logJson({ error: { ...error.toJSON(), message } });
      else this.logToStderr(`klog: ${message}${this.flags?.debug === true ? `\n${stackWithCauses(error)}` : ''}`);
      return this.exit(exitCodeFor(error.code));
    }
    if (error.oclif?.exit !== undefined) throw error;
    if (this.flags?.debug !== true) {
      this.logToStderr(`klog: unexpected error: ${error.message} (rerun with --debug for details)`);
      return this.exit(ExitCode.UNEXPECTED);
    }
    throw error;
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    await this.client?.close();
    await super.finally(error);
  }
}

/** The stack of an error and of each error in its `cause` chain, for --debug. */
function stackWithCauses(error: KlogError): string {
  const stacks: string[] = [];
  let current: unknown = error;
  while (current !== undefined && stacks.length < 10) {
    stacks.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return stacks.join('\nCaused by: ');
}
