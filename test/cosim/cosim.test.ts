import { describe, expect, it } from "vitest";
import { classicArray, classicTemplate } from "../../src/cells/library.js";
import type { CellArray } from "../../src/cells/spec.js";
import { cosimSummary, runCosim } from "../../src/cosim/cosim.js";
import { createMemristor } from "../../src/devices/registry.js";
import { randomArray } from "../support/arrays.js";
import { picture } from "../support/images.js";

const SQUARE = picture(["......", ".####.", ".####.", ".####.", ".####.", "......"]);
const BLOB = picture(["..#...", ".###..", "#####.", ".####.", "..##..", "......"]);

describe("runCosim(array) on classic templates", () => {
  const cases: [string, CellArray, number][] = [
    ["edge", classicArray(classicTemplate("edge"), SQUARE), 3],
    ["corner", classicArray(classicTemplate("corner"), BLOB), 3],
    ["average (zero-flux)", classicArray(classicTemplate("average"), BLOB), 3],
    [
      "heat (zero-flux)",
      classicArray(classicTemplate("heat"), { ...BLOB, data: BLOB.data.map((v) => 0.4 * v) }),
      2,
    ],
    [
      "threshold",
      classicArray(classicTemplate("threshold", { threshold: 0.1 }), {
        ...BLOB,
        data: BLOB.data.map((v, k) => 0.5 * v + 0.05 * Math.sin(k)),
      }),
      3,
    ],
  ];
  for (const [name, array, T] of cases) {
    it(`${name}: ngspice and cellspice agree along the whole transient`, async () => {
      const r = await runCosim(array, { T });
      expect(r.t.length).toBeGreaterThan(100);
      expect(r.verdict.failingCells).toEqual([]);
      expect(r.verdict.pass).toBe(true);
      expect(r.overall.maxAbs).toBeLessThan(1e-4);
      expect(r.overall.finalRelative).toBeLessThan(1e-4);
    });
  }

  it("a 2-channel random array with periodic boundary and 5×5 templates agrees", async () => {
    const array = randomArray({
      seed: 5,
      channels: 2,
      inputChannels: 1,
      rows: 4,
      cols: 5,
      size: 5,
      boundary: { kind: "periodic" },
    });
    const r = await runCosim(array, { T: 2 });
    expect(r.verdict.pass).toBe(true);
    expect(r.overall.maxAbs).toBeLessThan(1e-4);
  });

  it("a perturbed template coefficient in the netlist fails and names the affected cell", async () => {
    const array = classicArray(classicTemplate("edge"), SQUARE);
    const r = await runCosim(array, {
      T: 3,
      ngspice: {
        editNetlist: (n) => {
          const g = n.elements.find((e) => e.name === "gx_0_2_3_y_0_2_3");
          if (g?.kind !== "G") throw new Error("self-feedback element of cell (0,2,3) not found");
          g.gain *= 1.05; // a 5 % error in one A coefficient
        },
      },
    });
    expect(r.verdict.pass).toBe(false);
    const summary = cosimSummary(r) as {
      verdict: { failingCells: { channel: number; row: number; col: number }[] };
    };
    expect(summary.verdict.failingCells).toEqual([{ cell: 15, channel: 0, row: 2, col: 3 }]);
    expect(r.overall.worstCell).toBe(15);
  });
});

describe("runCosim(array) on a small M-CellNN array", () => {
  const base = classicArray(classicTemplate("edge"), picture(["....", ".##.", ".##.", "...."]));
  const array: CellArray = {
    ...base,
    scales: { tau: 1e-3, Vs: 0.2, R: 100 },
    memristor: {
      model: createMemristor("strachan-taox"),
      w0: new Float64Array(16).fill(0.1),
      voltage: "x",
    },
  };

  it("original TaOx model: states agree and the memristors switch at the same times", async () => {
    const r = await runCosim(array, { T: 3 });
    expect(r.verdict.failed).toEqual([]);
    expect(r.verdict.pass).toBe(true);
    const s = r.memristor!.switching;
    // The four black cells rise past v = 0.45 V and switch ON; the white ones never do.
    expect(s.events.map((e) => e.cell)).toEqual([5, 6, 9, 10]);
    expect(s.maxDelta).toBeLessThan(1e-2);
    // The memristor matters: without it the final states differ by far more than the tolerance.
    const plain = await runCosim(base, { T: 3 });
    const last = (r.t.length - 1) * 16;
    const lastPlain = (plain.t.length - 1) * 16;
    let change = 0;
    for (let p = 0; p < 16; p++)
      change = Math.max(
        change,
        Math.abs(r.cellspice.x[last + p] - plain.cellspice.x[lastPlain + p]),
      );
    expect(change).toBeGreaterThan(0.05);
  });

  it("a netlist memristor with the wrong ON rate switches late: the verdict names its cell", async () => {
    const r = await runCosim(array, {
      T: 3,
      ngspice: {
        editNetlist: (n) => {
          const x = n.elements.find((e) => e.name === "xm_0_1_2");
          if (x?.kind !== "X") throw new Error("memristor of cell (0,1,2) not found");
          x.params.b_on = 0.5e-4; // half the published B_on
        },
      },
    });
    expect(r.verdict.pass).toBe(false);
    expect(r.verdict.failed).toContain("switching");
    expect(r.verdict.failingCells).toContain(6);
  });

  it("smooth TaOx model in its switching regime (V_s = 0.5 V): states and switching times agree", async () => {
    const small = classicArray(classicTemplate("edge"), picture(["...", ".#.", "##."]));
    const smooth: CellArray = {
      ...small,
      scales: { tau: 1e-3, Vs: 0.5, R: 100 },
      memristor: {
        model: createMemristor("strachan-taox-smooth"),
        w0: new Float64Array(9).fill(0.1),
        voltage: "x",
      },
    };
    const r = await runCosim(smooth, { T: 2 });
    expect(r.verdict.failed).toEqual([]);
    expect(r.memristor!.switching.events.length).toBeGreaterThan(0);
  });
});
