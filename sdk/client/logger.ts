/**
 * Logging shaped like kafkajs's: numeric levels and a `logCreator` that receives every entry. klog is
 * silent by default; pass `logLevel` (and optionally your own `logCreator`) to the client to see its logs.
 */

export const logLevel = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;
export type LogLevel = (typeof logLevel)[keyof typeof logLevel];

export interface LogEntry {
  namespace: string;
  level: LogLevel;
  label: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
  log: { message: string; timestamp: string; [field: string]: unknown };
}

export type LogCreator = (level: LogLevel) => (entry: LogEntry) => void;

export interface Logger {
  error(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  debug(message: string, extra?: Record<string, unknown>): void;
  namespace(name: string): Logger;
}

/** One JSON line per entry on stderr, so logs never mix with data a program prints on stdout. */
export const jsonLogCreator: LogCreator = () => (entry) => {
  process.stderr.write(
    `${JSON.stringify({ level: entry.label, namespace: entry.namespace, ...entry.log }, (_, value) =>
      typeof value === 'bigint' ? value.toString() : value,
    )}\n`,
  );
};

export function createLogger(options: { level?: LogLevel; logCreator?: LogCreator } = {}): Logger {
  const level = options.level ?? logLevel.NOTHING;
  const sink = (options.logCreator ?? jsonLogCreator)(level);
  const make = (namespace: string): Logger => {
    const emit = (entryLevel: LogLevel, label: LogEntry['label'], message: string, extra?: Record<string, unknown>) => {
      if (entryLevel > level || level === logLevel.NOTHING) return;
      sink({ namespace, level: entryLevel, label, log: { message, timestamp: new Date().toISOString(), ...extra } });
    };
    return {
      error: (message, extra) => emit(logLevel.ERROR, 'ERROR', message, extra),
      warn: (message, extra) => emit(logLevel.WARN, 'WARN', message, extra),
      info: (message, extra) => emit(logLevel.INFO, 'INFO', message, extra),
      debug: (message, extra) => emit(logLevel.DEBUG, 'DEBUG', message, extra),
      namespace: (name) => make(namespace === '' ? name : `${namespace}.${name}`),
    };
  };
  return make('');
}
