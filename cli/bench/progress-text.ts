/**
 * The text of `klog bench`'s live progress line: records done (of the target, when there is one), the average
 * rates since the start, and the time elapsed (of the planned duration, when there is one).
 */
import { formatFigure } from './bench-table.js';
import { megabytes, perSecond } from './rates.js';

export interface ProgressFigures {
  /** What is counted: "stored" for the producer, "read" for the consumer. */
  verb: string;
  records: number;
  bytes: number;
  seconds: number;
  targetRecords?: number;
  targetSeconds?: number;
}

export function progressText(figures: ProgressFigures): string {
  const { verb, records, bytes, seconds, targetRecords, targetSeconds } = figures;
  const count =
    targetRecords === undefined ? formatFigure(records) : `${formatFigure(records)} / ${formatFigure(targetRecords)}`;
  const time =
    targetSeconds === undefined
      ? `${formatFigure(seconds, 1)} s`
      : `${formatFigure(seconds, 1)} / ${formatFigure(targetSeconds)} s`;
  return [
    `${verb} ${count} records`,
    `${formatFigure(perSecond(records, seconds))} records/s`,
    `${formatFigure(megabytes(perSecond(bytes, seconds)), 2)} MB/s`,
    time,
  ].join('  ');
}
