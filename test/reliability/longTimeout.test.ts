import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, setLongTimeout } from "../../src/core/longTimeout.js";

afterEach(() => vi.useRealTimers());

describe("setLongTimeout", () => {
  it("setLongTimeout(fn, ms) beyond Node's 2^31 − 1 ms fires at ms, not after 1 ms", () => {
    vi.useFakeTimers();
    const fired: number[] = [];
    const start = Date.now();
    const ms = 3 * MAX_TIMER_MS + 12_345;
    setLongTimeout(() => fired.push(Date.now() - start), ms);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(ms - 1001);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([ms]);
  });

  it("setLongTimeout(fn, ms) returns a cancel function and refuses a non-finite delay", () => {
    vi.useFakeTimers();
    let fired = false;
    const cancel = setLongTimeout(() => {
      fired = true;
    }, MAX_TIMER_MS + 1);
    vi.advanceTimersByTime(MAX_TIMER_MS);
    cancel();
    vi.advanceTimersByTime(10);
    expect(fired).toBe(false);
    expect(() => setLongTimeout(() => {}, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => setLongTimeout(() => {}, -1)).toThrow(RangeError);
  });
});
