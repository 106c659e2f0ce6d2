import { open } from 'node:fs/promises';
import { Args, Flags } from '@oclif/core';
import type { Admin } from '../../sdk/admin/admin.js';
import { ConfigResourceTypes } from '../../sdk/admin/admin-types.js';
import { retryDefaults } from '../../sdk/client/retrier.js';
import { producerDefaults, topicDefaults } from '../../sdk/config.js';
import { isKlogError, KlogError } from '../../sdk/errors.js';
import type { Compression } from '../../sdk/format/compression.js';
import { validateName } from '../../sdk/names.js';
import { KlogCommand } from '../base-command.js';
import { showText, unescapeText } from '../escapes.js';
import { ExitCode } from '../exit-codes.js';
import { InputPartitioner } from '../input-partitioner.js';
import { LineSender } from '../line-sender.js';
import { LineSplitter } from '../line-splitter.js';
import { describeFailure, type ProduceSummary, ProduceTally } from '../produce-summary.js';
import { lineFormat, parseHeaderFlags } from '../record-lines.js';
import { onStopSignal } from '../stop-signals.js';

/** What produce needs to know about its topic before sending. */
interface TopicTarget {
  partitions: number;
  maxMessageBytes: number;
}

export default class Produce extends KlogCommand<typeof Produce> {
  static override summary = 'Produce records to a topic, one per line of standard input (or of --file).';
  static override description =
    `Reads lines as they arrive and sends them in batches, so it works on endless input (tail -f ... | klog produce) and on files larger than memory. Each line is one record; an empty line is a record with an empty value (as in Kafka's console producer); a "\\r" before the newline is dropped. Lines are bytes: they are sent exactly as read.

With --parse-key, each line is split at the first --key-separator into key and value (default: a tab, as Kafka's console producer). "\\t", "\\n" and "\\\\" in the separator stand for a tab, a newline and a backslash. A line without the separator is not produced and counts as failed.

A missing topic is created with the topic defaults, with a notice on stderr; --no-create-topic refuses instead (exit code 4).

When the input ends (Ctrl-D on a terminal; Ctrl-C also ends it), every record read is delivered and a summary is printed on stderr: records produced and, per partition, the first and last offsets (under --json, the summary is printed on stdout as JSON). Exit codes: 0 when every record was produced; 7 when some records failed and others were produced; when none was produced, the code of the error (3 invalid input, 4 topic not found, 6 store unavailable, ...).`;

  static override examples = [
    {
      description: 'Produce two records to "orders" (created if missing)',
      command: "printf 'first\\nsecond\\n' | <%= config.bin %> produce orders",
    },
    {
      description: 'Keys and values separated by ":", with a header on every record',
      command:
        "printf 'user-1:login\\nuser-2:logout\\n' | <%= config.bin %> produce events --parse-key --key-separator : --header source=cli",
    },
    {
      description: 'Produce a file to partition 2 with gzip, refusing to create the topic',
      command: '<%= config.bin %> produce orders --file orders.txt --partition 2 --compression gzip --no-create-topic',
    },
    {
      description: 'Send tombstones: a value "NULL" becomes a null value',
      command: "printf 'k1\\tNULL\\n' | <%= config.bin %> produce compacted --parse-key --null-marker NULL",
    },
    {
      description: 'Produce to a topic on S3 and get the summary as JSON',
      command: 'echo hello | <%= config.bin %> produce orders --url s3://my-bucket/klog --json',
    },
  ];

  static override enableJsonFlag = true;

  static override args = {
    topic: Args.string({ required: true, description: 'The topic to produce to.' }),
  };

  static override flags = {
    file: Flags.string({ summary: 'Read records from this file instead of standard input.', helpValue: '<path>' }),
    'parse-key': Flags.boolean({ summary: 'Split each line into key and value at the first --key-separator.' }),
    'key-separator': Flags.string({
      summary: 'What separates key and value with --parse-key ("\\t" is a tab).',
      default: '\\t',
      helpValue: '<text>',
    }),
    header: Flags.string({
      summary: 'Add the header key=value to every record; repeat for more headers.',
      multiple: true,
      helpValue: '<key=value>',
    }),
    partition: Flags.integer({
      summary: 'Send every record to this partition instead of by key (or sticky, without keys).',
      min: 0,
      helpValue: '<n>',
    }),
    'null-marker': Flags.string({
      summary: 'A key or value equal to this text is sent as null (a value: a tombstone).',
      helpValue: '<text>',
    }),
    'linger-ms': Flags.integer({
      summary: 'How long a batch waits for more records (default: 5 on files, 200 on S3).',
      min: 0,
      helpValue: '<ms>',
    }),
    compression: Flags.string({
      summary: 'Compression of the batches written.',
      options: ['none', 'gzip', 'snappy'],
      default: 'none',
    }),
    'fencing-id': Flags.string({
      summary:
        'Write as the exclusive writer with this id: take each partition over, fencing an earlier producer with the same id.',
      helpValue: '<id>',
    }),
    'create-topic': Flags.boolean({
      summary: 'Create the topic with the defaults when it does not exist; --no-create-topic refuses.',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<ProduceSummary> {
    const { args } = await this.parse(Produce);
    const { flags } = this;
    const topic = validateName('topic', args.topic);
    const fencingId = flags['fencing-id'] === undefined ? undefined : validateName('fencing id', flags['fencing-id']);
    const keySeparator = unescapeText(flags['key-separator']);
    if (flags['parse-key'] && keySeparator === '') {
      throw new KlogError('INVALID_ARGUMENT', '--key-separator must not be empty. Use for example --key-separator :');
    }
    const format = lineFormat({ parseKey: flags['parse-key'], keySeparator, nullMarker: flags['null-marker'] });
    const headers = flags.header === undefined ? undefined : parseHeaderFlags(flags.header);
    // Open the file before anything is written, so that a wrong path creates no topic.
    const file = flags.file === undefined ? undefined : await openInput(flags.file);

    try {
      const tally = new ProduceTally(topic);
      const admin = this.klog.admin();
      const target = await this.prepareTopic(admin, topic, flags['create-topic'], tally);
      if (flags.partition !== undefined && flags.partition >= target.partitions) {
        throw new KlogError(
          'PARTITION_NOT_FOUND',
          `Topic "${topic}" has no partition ${flags.partition}: its partitions are ` +
            `${partitionRange(target.partitions)}. Choose one of them with --partition, or leave the flag out.`,
          { context: { topic, partition: flags.partition } },
        );
      }
      const producer = this.klog.producer({
        lingerMs: flags['linger-ms'],
        compression: flags.compression as Compression,
        allowAutoTopicCreation: flags['create-topic'],
        fencingId,
        // A stream of input may run for hours: its sends ride out a short outage of the store (the topic checks
        // above fail fast, with the CLI's retry policy).
        retry: retryDefaults,
      });
      let shown = 0;
      const sender = new LineSender(producer, {
        topic,
        format,
        headers,
        partitioner: new InputPartitioner(flags.partition),
        partitions: target.partitions,
        refreshPartitions: async () => (await describeTopic(admin, topic))?.partitions ?? target.partitions,
        metadataMaxAgeMs: producerDefaults.metadataMaxAgeMs,
        maxMessageBytes: target.maxMessageBytes,
        maxInFlightBytes: producerDefaults.bufferMaxBytes,
        tally,
        onFailure: (note) => {
          this.logToStderr(`klog: ${describeFailure(note)}`);
          if (++shown === 10) this.logToStderr('klog: further failures are counted in the summary, not shown');
        },
      });
      const input = file?.createReadStream({ autoClose: false }) ?? process.stdin;
      if (file === undefined && process.stdin.isTTY) {
        this.logToStderr('klog: type one record per line; Ctrl-D (or Ctrl-C) ends the input');
      }
      await produceInput(input, sender, target.maxMessageBytes + format.keySeparator.length);
      await producer.disconnect().catch((error: unknown) => {
        // Undelivered records rejected their sends, which the tally counted already.
        if (tally.failed === 0) throw error;
      });
      if (sender.failedSend !== undefined) {
        this.logToStderr('klog: stopped reading the input after a send failed; later lines were not produced');
      }
      return this.finish(tally, shown > 0);
    } finally {
      await file?.close();
    }
  }

  /** Reads the topic, creating it when it is missing and that is allowed. */
  private async prepareTopic(admin: Admin, topic: string, create: boolean, tally: ProduceTally): Promise<TopicTarget> {
    const found = await describeTopic(admin, topic);
    if (found !== null) return found;
    if (!create) {
      throw new KlogError('TOPIC_NOT_FOUND', `Topic "${topic}" does not exist in ${this.settings.url}.`, {
        context: { topic },
      });
    }
    tally.createdTopic = await admin.createTopics({ topics: [{ topic }] });
    const created = await describeTopic(admin, topic);
    if (created === null) {
      throw new KlogError('TOPIC_NOT_FOUND', `Topic "${topic}" was deleted while it was being created. Run again.`, {
        context: { topic },
      });
    }
    if (tally.createdTopic) {
      const partitions = `${created.partitions} partition${created.partitions === 1 ? '' : 's'}`;
      this.logToStderr(`klog: created topic "${topic}" (${partitions}, the defaults); --no-create-topic prevents this`);
    }
    return created;
  }

  /** Produce creates missing topics unless told not to, so the advice names both ways out. */
  protected override missingTopicAdvice(topic: string): string {
    return `${super.missingTopicAdvice(topic)}, or leave out --no-create-topic to create it with the defaults.`;
  }

  /** Prints the summary and picks the exit code: 7 when only some records failed, the error's when all did. */
  private finish(tally: ProduceTally, failuresShown: boolean): ProduceSummary {
    const summary = tally.summary();
    if (tally.failed > 0 && tally.produced === 0) throw nothingProduced(tally, failuresShown && !this.jsonEnabled());
    for (const line of tally.describe()) this.logToStderr(`klog: ${line}`);
    if (tally.failed === 0) return summary;
    // oclif prints run()'s result only on success, so the JSON summary of a partial failure is printed here.
    if (this.jsonEnabled()) this.logJson(summary);
    return this.exit(ExitCode.PARTIAL_FAILURE);
  }
}

/**
 * Splits the input into lines and sends them, chunk by chunk, until it ends, a send fails, or Ctrl-C (or
 * SIGTERM) ends it early; then waits until everything read is stored or has failed.
 */
async function produceInput(
  input: NodeJS.ReadableStream & { destroy(): void },
  sender: LineSender,
  maxLineBytes: number,
) {
  let stopped = false;
  const removeSignalHandlers = onStopSignal(() => {
    stopped = true;
    input.destroy();
  });
  const splitter = new LineSplitter(maxLineBytes);
  try {
    for await (const chunk of input) {
      await sender.send(splitter.push(chunk as Buffer));
      if (sender.failedSend !== undefined) break;
    }
  } catch (error) {
    // A stop signal destroys the input: what was read so far is still delivered.
    if (!stopped) throw inputError(error);
  } finally {
    removeSignalHandlers();
  }
  if (sender.failedSend === undefined) await sender.send(splitter.end());
  await sender.drain();
}

/** The topic's partition count and record size limit, or null when it does not exist. */
async function describeTopic(admin: Admin, topic: string): Promise<TopicTarget | null> {
  try {
    const [metadata, configs] = await Promise.all([
      admin.fetchTopicMetadata({ topics: [topic] }),
      admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
      }),
    ]);
    const maxMessageBytes = configs.resources[0]?.configEntries.find(
      (entry) => entry.configName === 'max.message.bytes',
    )?.configValue;
    return {
      partitions: metadata.topics[0]?.partitions.length ?? 0,
      maxMessageBytes: maxMessageBytes === undefined ? topicDefaults.maxMessageBytes : Number(maxMessageBytes),
    };
  } catch (error) {
    if (isKlogError(error, 'TOPIC_NOT_FOUND')) return null;
    throw error;
  }
}

async function openInput(path: string) {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw inputError(error, path);
  }
}

function inputError(error: unknown, path?: string): unknown {
  if (isKlogError(error) || !(error instanceof Error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  const what = path === undefined ? 'the input' : `--file ${showText(path)}`;
  return new KlogError('INVALID_ARGUMENT', `Cannot read ${what}: ${error.message}.`, { cause: error });
}

function partitionRange(partitions: number): string {
  return partitions === 1 ? '0 only' : `0 to ${partitions - 1}`;
}

/**
 * The error to exit with when no record was produced: the first failure's, so that the exit code is its code.
 * When the failures were shown as they happened already, the line says so instead of repeating the first one.
 */
function nothingProduced(tally: ProduceTally, shown: boolean): unknown {
  const first = tally.firstError;
  if (!isKlogError(first)) return first;
  const records = tally.failed === 1 ? 'the only record failed' : `all ${tally.failed} records failed`;
  const message = shown ? `No record was produced: ${records} (see above).` : first.message;
  return new KlogError(first.code, message, { context: first.context, cause: first });
}
