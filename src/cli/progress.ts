/**
 * Progress of a long command on stderr (stdout stays machine-readable).
 *
 *     const progress = createProgress({ label: "sampling", total: 20, unit: "images", quiet: ctx.quiet });
 *     for (...) { ...; progress.tick(batch); }
 *     progress.done();               // or progress.fail() when the work stopped (error, Ctrl-C)
 *
 * On a terminal: one bar redrawn in place (at most ~10 times a second) with the count done, the
 * rate and the estimated time left. When stderr is not a terminal (a log file, CI): plain lines,
 * at most one every `interval` seconds (default 2). With `quiet`: nothing at all. `done()` prints
 * one final line with the count, the elapsed time and the mean rate; `fail()` ends the bar's
 * line and says where it stopped. Both are idempotent, and `tick` after either is ignored.
 */

/** Where progress is written: a writable stream, a terminal when `isTTY` is true. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** What is being done ("sampling", "tiles"). */
  readonly label: string;
  /** How many units the whole task has (≥ 0; 0 draws no bar). */
  readonly total: number;
  /** The unit counted, plural ("images", "jobs"). */
  readonly unit: string;
  /** No output at all (the global `-q`). */
  readonly quiet?: boolean;
  /** Default process.stderr. */
  readonly stream?: ProgressStream;
  /** Seconds between plain lines when the stream is not a terminal (default 2). */
  readonly interval?: number;
  /** Clock in milliseconds (default performance.now); tests pass their own. */
  readonly now?: () => number;
}

export interface Progress {
  /** n more units done (default 1; fractions allowed: a batch part-way done). */
  tick(n?: number): void;
  /** The task finished: a final line with count, time and rate. */
  done(): void;
  /** The task stopped early: ends the bar's line and says how far it got. */
  fail(): void;
}

const TTY_REDRAW_MS = 100;
const BAR_WIDTH = 24;

/** "1:05", "12 s", "1:02:03" — a short duration for an ETA. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** A rate with three significant digits ("3.42", "118", "0.0512"). */
function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return "0";
  return rate >= 100 ? rate.toFixed(0) : rate.toPrecision(3);
}

export function createProgress(options: ProgressOptions): Progress {
  const { label, unit, quiet = false } = options;
  const total = options.total;
  if (!(Number.isInteger(total) && total >= 0))
    throw new RangeError(`progress total ${total}: must be an integer ≥ 0`);
  const stream: ProgressStream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const intervalMs = (options.interval ?? 2) * 1000;
  const tty = stream.isTTY === true;
  const start = now();
  let count = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let finished = quiet;

  // Whole units done (fractional ticks accumulate; 1e-9 absorbs their rounding).
  const shown = () => Math.floor(count + 1e-9);

  const rateAt = (t: number): number => {
    const elapsed = (t - start) / 1000;
    return elapsed > 0 ? count / elapsed : 0;
  };

  const status = (t: number): string => {
    const rate = rateAt(t);
    const left = total - count;
    const eta = rate > 0 ? formatDuration(left / rate) : "?";
    return `${shown()}/${total} ${unit}  ${formatRate(rate)} ${unit}/s  ETA ${eta}`;
  };

  const drawBar = (t: number): void => {
    const fraction = total > 0 ? Math.min(1, count / total) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`;
    let line = `${label} ${bar} ${status(t)}`;
    const width = stream.columns;
    if (width !== undefined && width > 10 && line.length > width - 1)
      line = line.slice(0, width - 1);
    stream.write(`\r${line}\u001b[K`);
    drawn = true;
  };

  return {
    tick(n = 1) {
      if (finished) return;
      count = Math.min(total, count + n);
      const t = now();
      if (tty) {
        if (t - lastDraw >= TTY_REDRAW_MS || shown() === total) {
          drawBar(t);
          lastDraw = t;
        }
      } else if (t - lastDraw >= intervalMs && shown() < total) {
        // The first plain line comes one interval after the start: short tasks print only done().
        if (lastDraw === Number.NEGATIVE_INFINITY) {
          lastDraw = start;
          if (t - start < intervalMs) return;
        }
        stream.write(`${label}: ${status(t)}\n`);
        lastDraw = t;
      }
    },
    done() {
      if (finished) return;
      finished = true;
      const t = now();
      const elapsed = (t - start) / 1000;
      const summary = `${label}: ${shown()}/${total} ${unit} in ${elapsed.toFixed(1)} s (${formatRate(rateAt(t))} ${unit}/s)`;
      stream.write(tty ? `\r${summary}\u001b[K\n` : `${summary}\n`);
    },
    fail() {
      if (finished) return;
      finished = true;
      const text = `${label}: stopped after ${shown()}/${total} ${unit}`;
      stream.write(tty && drawn ? `\r${text}\u001b[K\n` : `${text}\n`);
    },
  };
}
