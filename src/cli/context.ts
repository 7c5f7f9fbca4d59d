/**
 * What every command gets: where to print results (stdout) and progress (stderr), and the
 * global flags. Progress goes to stderr so that stdout stays machine-readable.
 */
export interface CliContext {
  readonly quiet: boolean;
  readonly debug: boolean;
  /** Results: tables, netlists, CSV (stdout). */
  out(text: string): void;
  /** Progress and notes (stderr), silent with --quiet. */
  progress(text: string): void;
  /** Runs `task`, printing "label…" before and "label: done in 1.23 s" after (stderr). */
  timed<T>(label: string, task: () => Promise<T> | T): Promise<T>;
}

export function createContext(flags: { quiet?: boolean; debug?: boolean }): CliContext {
  const quiet = flags.quiet === true;
  const progress = (text: string) => {
    if (!quiet) process.stderr.write(`${text}\n`);
  };
  return {
    quiet,
    debug: flags.debug === true,
    out: (text) => {
      process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    progress,
    async timed(label, task) {
      progress(`${label}…`);
      const start = performance.now();
      const result = await task();
      progress(`  done in ${((performance.now() - start) / 1000).toFixed(2)} s`);
      return result;
    },
  };
}
