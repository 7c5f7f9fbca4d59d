import { describe, expect, it } from "vitest";
import { createProgress, formatDuration, type ProgressStream } from "../../src/cli/progress.js";

/** A stream that records what is written, with a settable clock. */
function recorder(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  const stream: ProgressStream = { isTTY, columns, write: (t: string) => writes.push(t) };
  let clock = 0;
  return {
    writes,
    stream,
    now: () => clock,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe("createProgress", () => {
  it("createProgress({quiet}) writes nothing at all", () => {
    const r = recorder(true);
    const p = createProgress({ label: "s", total: 3, unit: "images", quiet: true, ...r });
    p.tick();
    r.advance(5000);
    p.tick(2);
    p.done();
    p.fail();
    expect(r.writes).toEqual([]);
  });

  it("on a terminal: a bar redrawn in place with count, rate and ETA, then a final line", () => {
    const r = recorder(true, 120);
    const p = createProgress({ label: "sampling", total: 10, unit: "images", ...r });
    r.advance(1000);
    p.tick(2); // 2 images in 1 s → 2 images/s, 8 left → ETA 4 s
    expect(r.writes.at(-1)).toBe(
      `\rsampling [#####-------------------] 2/10 images  2.00 images/s  ETA 4 s\u001b[K`,
    );
    r.advance(50);
    p.tick(); // within 100 ms of the last draw: not redrawn
    expect(r.writes).toHaveLength(1);
    r.advance(2950);
    p.tick(7); // the last unit always draws: 10/10
    expect(r.writes.at(-1)).toContain("10/10 images");
    expect(r.writes.at(-1)).toContain("[########################]");
    p.done();
    expect(r.writes.at(-1)).toBe("\rsampling: 10/10 images in 4.0 s (2.50 images/s)\u001b[K\n");
    p.tick();
    p.done();
    expect(r.writes).toHaveLength(3);
  });

  it("on a terminal, a line wider than the terminal is cut to fit", () => {
    const r = recorder(true, 30);
    const p = createProgress({ label: "sampling", total: 10, unit: "images", ...r });
    r.advance(1000);
    p.tick();
    expect(r.writes[0].replace("\r", "").replace("\u001b[K", "")).toHaveLength(29);
  });

  it("not on a terminal: plain lines at most one per interval, none for a short task", () => {
    const r = recorder(false);
    const p = createProgress({ label: "tiles", total: 100, unit: "jobs", ...r });
    for (let k = 0; k < 10; k++) {
      r.advance(300);
      p.tick(); // 3 s, 10 ticks: one line at 2.1 s (the first tick past the 2 s interval)
    }
    expect(r.writes).toEqual(["tiles: 7/100 jobs  3.33 jobs/s  ETA 28 s\n"]);
    r.advance(1900);
    p.tick(); // at 4.9 s, 2.8 s after the last line (2.1 s): a second line
    expect(r.writes).toHaveLength(2);
    p.fail();
    expect(r.writes.at(-1)).toBe("tiles: stopped after 11/100 jobs\n");
    p.done();
    expect(r.writes).toHaveLength(3);

    const short = recorder(false);
    const q = createProgress({ label: "s", total: 2, unit: "images", ...short });
    short.advance(500);
    q.tick(2);
    q.done();
    expect(short.writes).toEqual(["s: 2/2 images in 0.5 s (4.00 images/s)\n"]);
  });

  it("fractional ticks accumulate and show whole units", () => {
    const r = recorder(false);
    const p = createProgress({ label: "s", total: 4, unit: "images", ...r });
    for (let k = 0; k < 10; k++) p.tick(0.3); // 3.0 images in ten thirds
    r.advance(1000);
    p.fail();
    expect(r.writes).toEqual(["s: stopped after 3/4 images\n"]);
  });

  it("createProgress refuses a total that is not a non-negative integer", () => {
    expect(() => createProgress({ label: "s", total: -1, unit: "x", quiet: true })).toThrow(
      /total/,
    );
    expect(() => createProgress({ label: "s", total: 1.5, unit: "x", quiet: true })).toThrow(
      /total/,
    );
  });
});

describe("formatDuration", () => {
  it("formatDuration(s) gives seconds, m:ss and h:mm:ss", () => {
    expect(formatDuration(4.4)).toBe("4 s");
    expect(formatDuration(65)).toBe("1:05");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(Number.NaN)).toBe("?");
  });
});
