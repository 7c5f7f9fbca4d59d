import { afterEach, describe, expect, it } from "vitest";
import {
  checkInterrupt,
  checkpoint,
  deliverSignal,
  InterruptedError,
  interruptible,
  interruptSignal,
  raiseInterrupt,
  resetInterrupt,
  setGraceSink,
} from "../../src/cli/interrupt.js";
import { liveResources, setResourceSink, track } from "../../src/core/liveResources.js";

afterEach(() => resetInterrupt());

describe("interrupt (in-process)", () => {
  it("checkInterrupt() throws InterruptedError with 128 + the signal's number once a signal came", () => {
    expect(() => checkInterrupt()).not.toThrow();
    raiseInterrupt("SIGTERM");
    raiseInterrupt("SIGINT"); // the first signal is the one that counts
    expect(interruptSignal()).toBe("SIGTERM");
    let error: unknown;
    try {
      checkInterrupt();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(143);
    expect(new InterruptedError("SIGHUP").exitCode).toBe(129);
    expect(new InterruptedError("SIGINT").exitCode).toBe(130);
  });

  it("interruptible(task) aborts its signal on a real SIGINT and rejects with InterruptedError", async () => {
    const seen: string[] = [];
    const run = interruptible(async (signal) => {
      signal.addEventListener("abort", () => seen.push("aborted"));
      for (;;) await checkpoint();
    });
    setImmediate(() => process.kill(process.pid, "SIGINT"));
    await expect(run).rejects.toMatchObject({ name: "InterruptedError", exitCode: 130 });
    expect(seen).toEqual(["aborted"]);
    expect(process.listenerCount("SIGINT")).toBe(0);
  });

  it("interruptible(task) passes a task's own error through when no signal came", async () => {
    await expect(
      interruptible(async () => {
        throw new Error("own failure");
      }),
    ).rejects.toThrow("own failure");
  });
});

describe("interrupt (as the command thread sees it)", () => {
  it("interruptible(task, { graceMs }) reports its grace while it runs; deliverSignal aborts it", async () => {
    const graces: number[] = [];
    setGraceSink((ms) => graces.push(ms));
    try {
      const stopped = interruptible(
        (signal) =>
          new Promise<never>((_, reject) => {
            signal.addEventListener("abort", () => reject(new Error("cleaned up, then stopped")));
          }),
        { graceMs: 5000 },
      );
      expect(graces).toEqual([5000]);
      deliverSignal("SIGTERM");
      await expect(stopped).rejects.toMatchObject({ name: "InterruptedError", exitCode: 143 });
      expect(graces).toEqual([5000, 0]);
    } finally {
      setGraceSink(undefined);
    }
  });
});

describe("liveResources", () => {
  it("track(resource) lists it until released, and reports both events to the sink", () => {
    const events: string[] = [];
    setResourceSink({
      track: (id, r) => events.push(`+${id}:${r.kind}`),
      untrack: (id) => events.push(`-${id}`),
    });
    try {
      const release = track({ kind: "path", path: "/tmp/x" });
      expect(liveResources()).toContainEqual({ kind: "path", path: "/tmp/x" });
      release();
      release();
      expect(liveResources()).not.toContainEqual({ kind: "path", path: "/tmp/x" });
      expect(events).toHaveLength(2);
      expect(events[0]).toMatch(/^\+\d+:path$/);
      expect(events[1]).toBe(`-${events[0].slice(1).split(":")[0]}`);
    } finally {
      setResourceSink(undefined);
    }
  });
});
