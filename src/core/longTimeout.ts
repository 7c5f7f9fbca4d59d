/**
 * A timeout of any length. Node's timers hold at most 2^31 − 1 ms (about 24.8 days) and fire
 * after 1 ms when given more, so a longer delay is run as a chain of shorter timers.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fn` once after `ms` milliseconds (finite, ≥ 0); returns the function that cancels it. */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  if (!(Number.isFinite(ms) && ms >= 0)) {
    throw new RangeError(`setLongTimeout: delay ${ms} ms is not a finite number ≥ 0`);
  }
  const end = Date.now() + ms;
  let timer: NodeJS.Timeout | undefined;
  const arm = (left: number) => {
    timer = setTimeout(
      () => {
        const rest = end - Date.now();
        if (rest > 0 && left > MAX_TIMER_MS) arm(rest);
        else fn();
      },
      Math.min(left, MAX_TIMER_MS),
    );
  };
  arm(ms);
  return () => clearTimeout(timer);
}
