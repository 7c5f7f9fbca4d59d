/**
 * Stopping a command on SIGINT (Ctrl-C), SIGTERM or SIGHUP (terminal closed): the ONE place
 * that decides how cellspice is interrupted.
 *
 * How it works. Node runs a JavaScript signal handler only when the event loop is free, so a
 * long synchronous solve could never see one. The `cellspice` executable therefore runs each
 * command in a worker thread (src/cli/commandThread.ts) under a supervisor on the main thread
 * (src/cli/supervisor.ts) whose event loop stays free. On a signal the supervisor, at once:
 * sets the shared interrupt flag, terminates the command thread wherever it is (inside a solve,
 * between ngspice's output chunks, halfway through writing a report), kills every ngspice
 * process group still tracked and removes every temporary path still tracked
 * (src/core/liveResources.ts), and exits with 128 + the signal's number: 130 (SIGINT),
 * 143 (SIGTERM), 129 (SIGHUP). Outputs are written to a temporary sibling and renamed into
 * place, so an interrupted write leaves the old file (or none), never half a file.
 *
 * How a long-running command uses it (e.g. `sample`, `sweep`):
 *
 *     const result = await interruptible(async (signal) => {
 *       for (const step of steps) {
 *         await checkpoint();          // lets a signal in, throws InterruptedError once one came
 *         work(step, { signal });      // pass `signal` to anything that runs ngspice
 *       }
 *     });
 *
 * A task that must clean up after itself when stopped (release a lock, hand jobs back) asks for
 * a grace period: `interruptible(task, { graceMs: 5000 })`. On the first signal the supervisor
 * then aborts `signal` and waits up to graceMs for the command to end by itself (its exit code
 * is still 128 + n), and stops it at once only after that or on a second signal. Without
 * graceMs the supervisor stops the thread at once (the default: everything a command holds is
 * tracked and cleaned by the supervisor).
 *
 * `checkInterrupt()` is the synchronous form (throws InterruptedError when a signal came; cheap
 * enough to call between solver steps or batch elements, e.g. as a LayerEngine's
 * `checkInterrupt`). Under the supervisor neither is needed for the process to stop; they let
 * code that runs in-process (library use, tests calling `run()` directly) stop cleanly too,
 * where `interruptible` installs the handlers itself and aborts `signal` (the ngspice runner
 * then kills ngspice's group and removes its directory). A second signal there exits at once.
 */
import { isMainThread } from "node:worker_threads";

/** The signals that stop a command, with the exit code of each (128 + the signal's number). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;
export const STOP_SIGNALS = Object.keys(SIGNAL_EXIT_CODES) as StopSignal[];

export class InterruptedError extends Error {
  override name = "InterruptedError";
  /** 128 + the signal's number. */
  readonly exitCode: number;

  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
    this.exitCode = SIGNAL_EXIT_CODES[signal as StopSignal] ?? SIGNAL_EXIT_CODES.SIGINT;
  }
}

/** Index of a signal in the shared flag (0: none). */
const SIGNAL_INDEX: Record<StopSignal, number> = { SIGINT: 1, SIGTERM: 2, SIGHUP: 3 };

/** One Int32 shared with the supervisor when this thread runs under it; else thread-local. */
let flag: Int32Array<ArrayBufferLike> = new Int32Array(1);

/** Makes the interrupt flag the shared `buffer` (a SharedArrayBuffer of ≥ 4 bytes). */
export function useSharedInterruptFlag(buffer: SharedArrayBuffer): void {
  flag = new Int32Array(buffer, 0, 1);
}

/** Records that `signal` came (the supervisor calls it on the shared flag). */
export function raiseInterrupt(signal: StopSignal, on: Int32Array<ArrayBufferLike> = flag): void {
  Atomics.compareExchange(on, 0, 0, SIGNAL_INDEX[signal]);
}

/** The signal received so far, if any. */
export function interruptSignal(): StopSignal | undefined {
  const k = Atomics.load(flag, 0);
  return STOP_SIGNALS.find((s) => SIGNAL_INDEX[s] === k);
}

/** Forgets a received signal (for in-process use that goes on after an interrupt, e.g. tests). */
export function resetInterrupt(): void {
  Atomics.store(flag, 0, 0);
}

/** Throws InterruptedError when a stop signal has come. Synchronous and cheap. */
export function checkInterrupt(): void {
  const s = interruptSignal();
  if (s !== undefined) throw new InterruptedError(s);
}

/** Controllers of the interruptible tasks running now (aborted when a signal is delivered). */
const active = new Set<AbortController>();

/** Where the grace period of the running tasks is reported (the command thread sets it). */
let graceSink: ((ms: number) => void) | undefined;
const graces = new Map<AbortController, number>();

/** Routes the grace period asked by running tasks to the supervisor (command thread only). */
export function setGraceSink(sink: ((ms: number) => void) | undefined): void {
  graceSink = sink;
}

function reportGrace(): void {
  graceSink?.(Math.max(0, ...graces.values()));
}

/** A signal delivered by the supervisor: recorded, and every running task's signal aborted. */
export function deliverSignal(signal: StopSignal): void {
  raiseInterrupt(signal);
  const s = interruptSignal() ?? signal;
  for (const c of active) c.abort(new InterruptedError(s));
}

/** Yields to the event loop (so that an in-process signal handler can run), then checks. */
export async function checkpoint(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  checkInterrupt();
}

/**
 * Runs `task` so that a stop signal ends it: `signal` is aborted with an InterruptedError and
 * the task's rejection is replaced by that InterruptedError. On the main thread (in-process
 * use) it installs SIGINT, SIGTERM and SIGHUP handlers for the task's duration; in the command
 * thread the supervisor handles the signals, delivers them (deliverSignal) and stops the thread
 * itself, at once or after `graceMs`.
 */
export async function interruptible<T>(
  task: (signal: AbortSignal) => Promise<T>,
  options: { graceMs?: number } = {},
): Promise<T> {
  const controller = new AbortController();
  const handlers = isMainThread;
  active.add(controller);
  if (options.graceMs !== undefined && options.graceMs > 0) {
    graces.set(controller, options.graceMs);
    reportGrace();
  }
  const onSignal = (sig: NodeJS.Signals) => {
    const stop = sig as StopSignal;
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT_CODES[stop]);
    raiseInterrupt(stop);
    controller.abort(new InterruptedError(stop));
  };
  if (handlers) for (const s of STOP_SIGNALS) process.on(s, onSignal);
  try {
    checkInterrupt();
    const result = await task(controller.signal);
    checkInterrupt();
    return result;
  } catch (e) {
    const s = interruptSignal();
    if (s !== undefined) throw new InterruptedError(s);
    throw e;
  } finally {
    if (handlers) for (const s of STOP_SIGNALS) process.off(s, onSignal);
    active.delete(controller);
    if (graces.delete(controller)) reportGrace();
  }
}
