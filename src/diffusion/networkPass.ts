import type { EpsFn } from "./sampler.js";

/* Helpers of the samplers between and around network passes (not re-exported by index.ts). */

/**
 * Lets the event loop run (signal handlers, timers) between network passes, then asks whether
 * to stop. A resolved promise alone would not: it is a microtask.
 */
export async function pause(checkInterrupt?: () => void): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  checkInterrupt?.();
}

/** ε for x, checked to have x's size. */
export async function predict(
  eps: EpsFn,
  x: Float64Array,
  t: number,
  n: number,
): Promise<Float64Array> {
  const e = await eps(x, t, n);
  if (e.length !== x.length)
    throw new RangeError(`ε at t = ${t} has ${e.length} values; x has ${x.length}`);
  return e;
}
