import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawFileError } from "../../src/spice/errors.js";
import { parseRaw, type RawFile } from "../../src/spice/raw.js";
import { runNgspice } from "../../src/spice/runner.js";
import { rcNetlist } from "./netlists.js";

let dir: string;
let binaryBytes: Uint8Array;
let asciiBytes: Uint8Array;

/** Runs the RC netlist once per format and keeps both raw files' bytes. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cellspice-raw-test-"));
  const bin = await runNgspice(rcNetlist(), { keepRawIn: dir, format: "binary" });
  const asc = await runNgspice(rcNetlist(), { keepRawIn: dir, format: "ascii" });
  binaryBytes = await readFile(bin.rawPath!);
  asciiBytes = await readFile(asc.rawPath!);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rawError(f: () => unknown): RawFileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RawFileError);
    return e as RawFileError;
  }
  throw new Error("expected a RawFileError");
}

/** Replaces the first occurrence of `from` in the header text of a raw file. */
function patch(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  const k = text.indexOf(from);
  expect(k).toBeGreaterThanOrEqual(0);
  return Buffer.from(text.slice(0, k) + to + text.slice(k + from.length), "latin1");
}

describe("parseRaw(bytes) on real ngspice output", () => {
  it("parseRaw(bytes) reads both plots of a binary file (.op then .tran)", () => {
    const raw = parseRaw(binaryBytes, "rc.raw");
    expect(raw.format).toBe("binary");
    expect(raw.plots.map((p) => p.plotname)).toEqual(["Operating Point", "Transient Analysis"]);
    const [op, tran] = raw.plots;
    expect(op.title).toBe("rc charging");
    expect(op.flags).toEqual(["real"]);
    expect(op.points).toBe(1);
    expect(op.time).toBeUndefined();
    // At DC the capacitor is open: x sits at the source voltage.
    expect(op.vector("x")[0]).toBeCloseTo(1, 12);
    expect(tran.variables[0]).toEqual({ name: "time", type: "time" });
    expect(tran.points).toBe(tran.declaredPoints);
    expect(tran.time).toBe(tran.scale);
    expect(tran.time!.length).toBe(tran.points);
  });

  it("RawPlot.vector(name) accepts V(X), x and v(x); i(v1) finds v1#branch", () => {
    const tran = parseRaw(binaryBytes).plots[1];
    expect(tran.vector("V(X)")).toBe(tran.vector("x"));
    expect(tran.vector("v(x)")).toBe(tran.data.get("v(x)"));
    expect(tran.has("i(v1)")).toBe(true);
    expect(tran.vector("i(V1)")).toBe(tran.vector("v1#branch"));
    expect(tran.has("v(nothere)")).toBe(false);
    expect(() => tran.vector("nothere")).toThrow(/nothere not in the "Transient Analysis"/);
  });

  it("parseRaw(bytes) gives the same waveforms for binary and ascii to ascii's 16 digits", () => {
    const bin = parseRaw(binaryBytes);
    const asc = parseRaw(asciiBytes);
    expect(asc.format).toBe("ascii");
    expect(asc.plots.length).toBe(bin.plots.length);
    let worst = 0;
    bin.plots.forEach((b, k) => {
      const a = asc.plots[k];
      expect(a.plotname).toBe(b.plotname);
      expect(a.variables).toEqual(b.variables);
      expect(a.points).toBe(b.points);
      for (const [name, xb] of b.data) {
        const xa = a.data.get(name)!;
        for (let p = 0; p < xb.length; p++) {
          expect(Number.isFinite(xa[p]) && Number.isFinite(xb[p])).toBe(true);
          const scale = Math.max(Math.abs(xb[p]), Number.MIN_VALUE);
          worst = Math.max(worst, Math.abs(xa[p] - xb[p]) / scale);
        }
      }
    });
    // ngspice prints "%.15e" (16 significant digits): a relative rounding error below 5e-16
    // plus one unit of the double; bit-identity would need 17 digits.
    expect(worst).toBeLessThanOrEqual(1e-15);
  });

  it("the RC transient matches 1 − exp(−t/τ) within 1e-5 with tmax = τ/100", () => {
    const tran = parseRaw(binaryBytes).plots[1];
    const t = tran.time!;
    const v = tran.vector("x");
    let worst = 0;
    for (let p = 0; p < t.length; p++) {
      worst = Math.max(worst, Math.abs(v[p] - (1 - Math.exp(-t[p] / 1e-3))));
    }
    expect(t[t.length - 1]).toBe(5e-3);
    // Measured with ngspice 39: 2.9e-6.
    expect(worst).toBeLessThan(1e-5);
  });
});

describe("parseRaw(bytes) on truncated and corrupted files", () => {
  const dataStart = (bytes: Uint8Array, plot: number) => {
    let k = -1;
    for (let n = 0; n < plot; n++) k = Buffer.from(bytes).indexOf("Binary:\n", k + 1);
    return k + "Binary:\n".length;
  };

  it("parseRaw(bytes) rejects a binary file cut inside a header", () => {
    for (const cut of [0, 10, 60, dataStart(binaryBytes, 2) - 3]) {
      const e = rawError(() => parseRaw(binaryBytes.subarray(0, cut), "cut.raw"));
      expect(e.file).toBe("cut.raw");
      expect(e.message).toMatch(/cut\.raw/);
      expect(e.problem).toMatch(/empty|truncated|header/);
    }
  });

  it("parseRaw(bytes) rejects binary data cut short of the declared points, naming the byte", () => {
    const start = dataStart(binaryBytes, 2);
    const rowBytes = 8 * 4; // time, v(x), v(in), v1#branch
    for (const cut of [
      start + 1,
      start + rowBytes,
      binaryBytes.length - 1,
      start + 10 * rowBytes,
    ]) {
      const e = rawError(() => parseRaw(binaryBytes.subarray(0, cut), "cut.raw"));
      expect(e.problem).toMatch(/plot 2: header says \d+ points .* truncated/);
      const whole = Math.floor((cut - start) / rowBytes);
      expect(e.byte).toBe(start + whole * rowBytes);
    }
    // Cut inside the first plot's data: that plot is the truncated one.
    const e = rawError(() => parseRaw(binaryBytes.subarray(0, dataStart(binaryBytes, 1) + 5)));
    expect(e.problem).toMatch(/plot 1: .* truncated/);
  });

  it("parseRaw(bytes) counts points from the length after a killed run (No. Points: 0)", () => {
    const tran = parseRaw(binaryBytes).plots[1];
    const killed = patch(binaryBytes, `No. Points: ${tran.points}`, "No. Points: 0");
    const start = dataStart(killed, 2);
    const rowBytes = 32;
    const whole = parseRaw(killed.subarray(0, start + 7 * rowBytes)).plots[1];
    expect(whole.declaredPoints).toBe(0);
    expect(whole.points).toBe(7);
    expect(Array.from(whole.vector("x"))).toEqual(Array.from(tran.vector("x").subarray(0, 7)));
    const e = rawError(() => parseRaw(killed.subarray(0, start + 7 * rowBytes + 9)));
    expect(e.problem).toMatch(/not a multiple of the 32-byte row .* incomplete \(truncated\)/);
    expect(e.byte).toBe(start + 7 * rowBytes);
  });

  it("parseRaw(bytes) rejects a binary point count larger than the data holds", () => {
    const tran = parseRaw(binaryBytes).plots[1];
    const more = patch(binaryBytes, `No. Points: ${tran.points}`, `No. Points: ${tran.points + 1}`);
    expect(rawError(() => parseRaw(more)).problem).toMatch(/truncated/);
    const fewer = patch(
      binaryBytes,
      `No. Points: ${tran.points}`,
      `No. Points: ${tran.points - 1}`,
    );
    expect(rawError(() => parseRaw(fewer)).problem).toMatch(/bytes after its .* not another plot/);
  });

  it("parseRaw(bytes) rejects garbage in ascii values, naming the line", () => {
    const text = Buffer.from(asciiBytes).toString("latin1");
    const lines = text.split("\n");
    const values = lines.lastIndexOf("Values:");
    const k = values + 6; // inside the transient's points: a "\t<value>" line
    expect(lines[k]).toMatch(/^\t[-0-9]/);
    lines[k] = "\t1.0e-3garbage";
    const e = rawError(() => parseRaw(Buffer.from(lines.join("\n"), "latin1"), "bad.raw"));
    expect(e.line).toBe(k + 1);
    expect(e.problem).toMatch(/"1\.0e-3garbage" is not a number/);
    expect(e.message).toMatch(/^raw file bad\.raw at line \d+ \(byte \d+\)/);
  });

  it("parseRaw(bytes) rejects an ascii file with a missing header line", () => {
    for (const key of ["Plotname", "Flags", "No. Points", "Title"]) {
      const text = Buffer.from(asciiBytes).toString("latin1");
      const broken = text.replace(new RegExp(`${key}:[^\\n]*\\n`), "");
      const e = rawError(() => parseRaw(Buffer.from(broken, "latin1")));
      expect(e.problem).toContain(`header has no "${key.toLowerCase()}" line`);
    }
    const noVars = Buffer.from(asciiBytes)
      .toString("latin1")
      .replace(/No\. Variables: \d+/, "");
    expect(rawError(() => parseRaw(Buffer.from(noVars))).problem).toMatch(/No\. Variables/);
  });

  it("parseRaw(bytes) rejects ascii data cut inside a point or with a wrong count", () => {
    const e = rawError(() => parseRaw(asciiBytes.subarray(0, asciiBytes.length - 30)));
    expect(e.problem).toMatch(/truncated|header says/);
    const text = Buffer.from(asciiBytes).toString("latin1");
    const lastIndex = text.lastIndexOf("\n", text.lastIndexOf("\n", text.length - 2) - 1);
    const cutAtPoint = text.slice(0, text.lastIndexOf("\n", lastIndex - 1) + 1);
    expect(rawError(() => parseRaw(Buffer.from(cutAtPoint))).problem).toMatch(
      /truncated|header says \d+ points, the file holds/,
    );
  });

  it("parseRaw(bytes) rejects complex data with a clear message", () => {
    const complex = Buffer.from(asciiBytes)
      .toString("latin1")
      .replace("Flags: real", "Flags: complex");
    expect(rawError(() => parseRaw(Buffer.from(complex))).problem).toMatch(
      /complex data .* not supported/,
    );
  });
});

describe("parseRaw(bytes) on hand-written files", () => {
  const ascii = (values: string) =>
    Buffer.from(
      "Title: t\nDate: d\nPlotname: Transient Analysis\nFlags: real\nNo. Variables: 2\n" +
        `No. Points: 2\nVariables:\n\t0\ttime\ttime\n\t1\tV(A)\tvoltage\nValues:\n${values}`,
    );

  it("parseRaw(bytes) reads a minimal ascii plot and lower-cases names", () => {
    const raw: RawFile = parseRaw(ascii("0\t0\n\t1.5\n1\t1e-3\n\t-2.5e+00\n"));
    expect(raw.plots[0].variables.map((v) => v.name)).toEqual(["time", "v(a)"]);
    expect(Array.from(raw.plots[0].vector("a"))).toEqual([1.5, -2.5]);
  });

  it("parseRaw(bytes) rejects a point index out of order", () => {
    expect(rawError(() => parseRaw(ascii("0\t0\n\t1.5\n5\t1e-3\n\t-2.5\n"))).problem).toMatch(
      /should start point 1/,
    );
  });
});
