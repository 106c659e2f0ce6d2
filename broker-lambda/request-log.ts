/**
 * The broker's request log: one JSON line per request on stderr (docs/broker-api.md, "Logs"), at a level set by
 * `KLOG_LOG_LEVEL`. Lines carry what identifies a request (id, route, topic, partition, sizes), never tokens,
 * signatures or record payloads: callers pass only the fields below.
 */
import type { LogFields } from './handler-context.js';

export type BrokerLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';

const RANK: Record<BrokerLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, none: 100 };

export interface RequestLine extends LogFields {
  requestId: string;
  method: string;
  /** The route's pattern (`/v1/topics/{topic}`), or the path when no route matched. */
  route: string;
  status: number;
  durationMs: number;
  /** The error code of a failed request. */
  code?: string;
  /** For 500s only: what failed, so that the operator can find the bug. */
  message?: string;
}

export class RequestLog {
  readonly level: BrokerLogLevel;
  private readonly write: (line: string) => void;

  constructor(level: BrokerLogLevel = 'info', write: (line: string) => void = (line) => process.stderr.write(line)) {
    this.level = level;
    this.write = write;
  }

  /** The level named by `KLOG_LOG_LEVEL`; `info` when unset or unknown. */
  static levelFromEnv(env: NodeJS.ProcessEnv = process.env): BrokerLogLevel {
    const value = env.KLOG_LOG_LEVEL?.toLowerCase();
    return value !== undefined && value in RANK ? (value as BrokerLogLevel) : 'info';
  }

  request(line: RequestLine): void {
    const level: BrokerLogLevel = line.status >= 500 ? 'error' : line.status >= 400 ? 'warn' : 'info';
    this.emit(level, { ...line });
  }

  /** A line about the broker itself (started, stopping). */
  event(level: Exclude<BrokerLogLevel, 'none'>, message: string, fields: Record<string, unknown> = {}): void {
    this.emit(level, { message, ...fields });
  }

  private emit(level: BrokerLogLevel, fields: Record<string, unknown>): void {
    if (RANK[level] < RANK[this.level]) return;
    this.write(`${JSON.stringify({ ts: new Date().toISOString(), level, ...fields })}\n`);
  }
}
