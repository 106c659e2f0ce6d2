/**
 * Ctrl-C (SIGINT) and SIGTERM for commands that run until stopped: the first signal asks the command to stop
 * cleanly (finish the record in hand, disconnect, exit 0); a second one exits at once, for a stop that hangs.
 */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const SIGNAL_NUMBERS: Record<(typeof SIGNALS)[number], number> = { SIGINT: 2, SIGTERM: 15 };

/** Calls `stop` on the first signal; returns the function that removes the handlers again. */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // The shell convention for "killed by signal N".
      process.exit(128 + SIGNAL_NUMBERS[signal as (typeof SIGNALS)[number]]);
    }
    stopping = true;
    stop(signal);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}
