/**
 * What every klog command shares: the global flags, the client built from the resolved settings, and the
 * rendering of errors as one line with a documented exit code (a stack trace only with --debug). Commands stay
 * thin: parse input, make SDK calls, render the result.
 */
import { Command, Flags, type Interfaces } from '@oclif/core';
import { Klog } from '../sdk/client/klog.js';
import { isKlogError } from '../sdk/errors.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { type ResolvedSettings, resolveSettings } from './settings.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof KlogCommand)['baseFlags'] & T['flags']
>;

export abstract class KlogCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    url: Flags.string({
      summary: 'Where the log lives: file:///dir, s3://bucket/prefix or memory://.',
      description: 'Default: $KLOG_URL, then the profile, then the embedded store in $KLOG_HOME (else ~/.klog).',
      helpGroup: 'GLOBAL',
    }),
    profile: Flags.string({
      summary: 'Named settings from the config file ($KLOG_CONFIG, else ~/.config/klog/config.json).',
      env: 'KLOG_PROFILE',
      helpGroup: 'GLOBAL',
    }),
    debug: Flags.boolean({ summary: 'Print the stack trace of an error.', helpGroup: 'GLOBAL' }),
  };

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
    this.client ??= new Klog({ url: this.settings.url, clientId: 'klog-cli' });
    return this.client;
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<never> {
    if (isKlogError(error)) {
      const debug = this.flags?.debug === true;
      if (this.jsonEnabled()) this.logJson({ error: error.toJSON() });
      else this.logToStderr(`klog: ${error.message}${debug ? `\n${error.stack ?? ''}` : ''}`);
      if (this.settings !== undefined && (error.code === 'STORE_ACCESS_DENIED' || error.code === 'STORE_UNAVAILABLE')) {
        this.logToStderr(`klog: store ${this.settings.url} (from ${this.settings.urlSource})`);
      }
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
