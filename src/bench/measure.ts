/** Wall-clock statistics of repeated runs. */
export interface Timing {
  /** Median of the timed repeats [ms]. */
  medianMs: number;
  minMs: number;
  repeats: number;
  warmups: number;
}

/**
 * Runs `task` `warmups` times untimed (JIT compilation, caches), then times it until both
 * `minRepeats` runs and `minTotalMs` have passed (at most `maxRepeats` runs), and returns the
 * median and the minimum. The last run's result is returned with the timing.
 */
export async function timeRepeated<T>(
  task: () => T | Promise<T>,
  o: { warmups: number; minRepeats: number; maxRepeats: number; minTotalMs: number },
): Promise<{ timing: Timing; result: T }> {
  let result: T | undefined;
  for (let k = 0; k < o.warmups; k++) result = await task();
  const times: number[] = [];
  let total = 0;
  while (times.length < o.maxRepeats && (times.length < o.minRepeats || total < o.minTotalMs)) {
    const start = performance.now();
    result = await task();
    const ms = performance.now() - start;
    times.push(ms);
    total += ms;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return {
    timing: { medianMs, minMs: times[0], repeats: times.length, warmups: o.warmups },
    result: result as T,
  };
}

/** max_k |a_k − b_k| over the first `n` entries (NaN if any entry is NaN). */
export function maxAbsError(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  from = 0,
  to = a.length,
): number {
  let m = 0;
  for (let k = from; k < to; k++) {
    const d = Math.abs(a[k] - b[k]);
    if (!(d <= m)) m = d;
  }
  return m;
}
