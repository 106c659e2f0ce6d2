import { Flags } from '@oclif/core';
import { isKlogError } from '../../../sdk/errors.js';
import type { PartitionMaintenanceReport } from '../../../sdk/maintenance/maintenance-result.js';
import type { MaintenanceOptions } from '../../../sdk/maintenance/run-maintenance.js';
import { KlogCommand } from '../../base-command.js';
import { parseBytes } from '../../byte-size.js';
import { parseDuration } from '../../duration.js';
import { onStopSignal } from '../../stop-signals.js';
import { formatTable } from '../../table.js';

export default class MaintenanceRun extends KlogCommand<typeof MaintenanceRun> {
  static override summary =
    'Apply retention, write index objects and compact small segments, once or every <duration> until stopped.';
  static override description =
    "Moves each partition's log start past the segments retention removes, then deletes them (never the newest " +
    'segment). Then indexes sealed segments (index/<base>.idx: tail discovery, seeks and producer scans cost a ' +
    'few requests instead of a LIST of the whole partition) once a partition has --index-min-segments of them, ' +
    'merging runs of small segments into data/ segments of up to --compaction-target (fewer GETs per MB for ' +
    'consumers catching up); the small originals are deleted by a later run once --grace has passed. On S3 a scheduled function does this; on the embedded store (file://) nothing does, so run this ' +
    'with --every next to an app that relies on retention. Several runs at once are safe: each partition is ' +
    'worked on under a lease by one of them. Prints the partitions it changed; --json prints the report of every ' +
    'partition (one JSON object per run with --every).';
  static override examples = [
    '<%= config.bin %> maintenance run',
    '<%= config.bin %> maintenance run --topic orders --topic audit --json',
    '<%= config.bin %> maintenance run --every 5m',
    '<%= config.bin %> maintenance run --no-compaction',
    '<%= config.bin %> maintenance run --compaction-target 64MiB --grace 30m',
  ];
  static override flags = {
    topic: Flags.string({ summary: 'Only this topic (repeatable). Default: every topic.', multiple: true }),
    every: Flags.string({ summary: 'Run again after this long (5m, 1h, PT30S) until Ctrl-C.' }),
    compaction: Flags.boolean({
      summary: 'Merge small sealed segments into data/ segments before indexing them.',
      default: true,
      allowNo: true,
    }),
    'compaction-target': Flags.string({
      summary: 'Size compaction merges up to (bytes, or with KiB/MiB/GiB). Default 32MiB.',
    }),
    grace: Flags.string({
      summary:
        'Keep compacted originals this long after their index is written (default 15m). Far longer than any ' +
        'request: a reader that found an original must still be able to read it.',
    }),
    'index-min-segments': Flags.integer({
      summary: 'Sealed segments a partition needs before an index object is written. Default 16.',
      min: 1,
    }),
  };
  static override enableJsonFlag = true;
  /** A foreground loop should survive a store that is briefly unavailable. */
  protected static override clientRetry = { retries: 5 };
  private options: Omit<MaintenanceOptions, 'topics'> = {};

  async run(): Promise<{ partitions: PartitionMaintenanceReport[] } | undefined> {
    const { flags } = await this.parse(MaintenanceRun);
    const topics = flags.topic;
    this.options = {
      compaction: flags.compaction,
      compactionTargetBytes:
        flags['compaction-target'] === undefined ? undefined : parseBytes(flags['compaction-target']),
      graceMs: flags.grace === undefined ? undefined : parseDuration(flags.grace),
      indexMinSegments: flags['index-min-segments'],
    };
    if (flags.every === undefined) {
      const partitions = await this.klog.admin().runMaintenance({ ...this.options, topics });
      this.render(partitions);
      return { partitions };
    }
    const intervalMs = parseDuration(flags.every);
    let wake: () => void = () => {};
    let stopped = false;
    const removeSignalHandlers = onStopSignal(() => {
      stopped = true;
      wake();
    });
    try {
      while (!stopped) {
        await this.runOnce(topics);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, intervalMs);
        });
      }
    } finally {
      removeSignalHandlers();
    }
    return undefined;
  }

  /** One run of the loop. A store that stays unavailable through the client's retries skips a run, not the loop. */
  private async runOnce(topics: string[] | undefined): Promise<void> {
    try {
      const partitions = await this.klog.admin().runMaintenance({ ...this.options, topics });
      // One line per run (oclif's `log` is silent under --json, and `logJson` spreads an object over many lines).
      if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), partitions })}\n`);
      else this.render(partitions);
    } catch (error) {
      if (!isKlogError(error) || !error.retriable) throw error;
      this.logToStderr(`klog: maintenance run failed, trying again in the next interval: ${error.message}`);
    }
  }

  private render(partitions: PartitionMaintenanceReport[]): void {
    if (this.jsonEnabled()) return;
    const changed = partitions.filter((p) => p.outcome !== 'nothing-to-do');
    if (changed.length > 0) {
      this.log(
        formatTable(
          ['TOPIC', 'PARTITION', 'OUTCOME', 'LOG-START-BEFORE', 'LOG-START-AFTER', 'REASON', 'DELETED', 'BYTES'],
          changed.map((p) => [
            p.topic,
            p.partition,
            p.outcome,
            p.logStartBefore,
            p.logStartAfter,
            p.reason ?? '-',
            p.deletedSegments,
            p.deletedBytes,
          ]),
        ),
      );
    }
    const deleted = partitions.reduce((sum, p) => sum + p.deletedSegments, 0);
    this.logToStderr(
      `${new Date().toISOString()} maintenance: ${partitions.length} partitions checked, ${changed.length} changed, ` +
        `${deleted} segments deleted.`,
    );
  }
}
