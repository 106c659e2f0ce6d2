import { isIP } from 'node:net';
import { Flags } from '@oclif/core';
import { startNodeBroker } from '../../../broker-lambda/node-adapter.js';
import { Broker } from '../../../broker-lambda/router.js';
import { DirectBackend } from '../../../sdk/backend/direct-backend.js';
import { brokerDefaults } from '../../../sdk/config.js';
import { KlogError } from '../../../sdk/errors.js';
import { openObjectStore } from '../../../sdk/store/open-object-store.js';
import { KlogCommand } from '../../base-command.js';
import { onStopSignal } from '../../stop-signals.js';

export default class BrokerStart extends KlogCommand<typeof BrokerStart> {
  static override summary = 'Serve the broker HTTP API (docs/broker-api.md) over the store until stopped.';
  static override description =
    'Runs a stateless broker in front of the store chosen by --url or --profile: remote clients produce, fetch, ' +
    'administer topics and run consumer groups through it. Concurrent produce requests for one partition share one ' +
    'segment (group commit). Listens on 127.0.0.1 unless --host says otherwise; any other address needs --token ' +
    '(or KLOG_BROKER_TOKEN), or --insecure. Ctrl-C or SIGTERM stops it after the requests in flight. Each request ' +
    'is logged as one JSON line on stderr (KLOG_LOG_LEVEL: debug, info, warn, error, none).';
  static override examples = [
    '<%= config.bin %> broker start',
    '<%= config.bin %> broker start --url s3://my-bucket/klog --port 8080',
    'KLOG_BROKER_TOKEN=s3cret <%= config.bin %> broker start --host 0.0.0.0',
  ];
  static override flags = {
    port: Flags.integer({
      summary: 'Port to listen on (0 picks a free one).',
      default: brokerDefaults.port,
      min: 0,
      max: 65535,
    }),
    host: Flags.string({ summary: 'Address to listen on.', default: brokerDefaults.host }),
    token: Flags.string({
      summary: 'Require "Authorization: Bearer <token>" on every route but health.',
      env: 'KLOG_BROKER_TOKEN',
    }),
    insecure: Flags.boolean({ summary: 'Allow a non-loopback --host without a token.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(BrokerStart);
    const token = flags.token === '' ? undefined : flags.token;
    if (!isLoopback(flags.host) && token === undefined && !flags.insecure) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `Refusing to serve ${flags.host} without a token: anyone who can reach it could read and write the log. ` +
          'Pass --token (or set KLOG_BROKER_TOKEN), or --insecure if the network is trusted.',
      );
    }
    if (/^https?:/i.test(this.settings.url)) {
      throw new KlogError(
        'INVALID_ARGUMENT',
        `A broker serves a store, not another broker (${this.settings.url}). Use file://, s3:// or memory://.`,
      );
    }
    const backend = new DirectBackend(openObjectStore(this.settings.url));
    const broker = new Broker({ backend, token });
    const running = await startNodeBroker(broker, { port: flags.port, host: flags.host });
    this.log(`klog broker listening on ${running.url} (store ${backend.description})`);
    broker.log.event('info', 'broker started', { url: running.url, auth: token === undefined ? 'none' : 'bearer' });
    await new Promise<void>((resolve) => {
      const removeHandlers = onStopSignal(() => {
        broker.log.event('info', 'broker stopping: finishing requests in flight');
        void running.close().then(() => {
          removeHandlers();
          resolve();
        });
      });
    });
    broker.log.event('info', 'broker stopped');
  }
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
