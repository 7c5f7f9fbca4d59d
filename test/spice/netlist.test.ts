import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exampleFiles } from "../../scripts/netlistExamples.js";
import { classicArray, classicTemplate } from "../../src/cells/library.js";
import { createCellSystem } from "../../src/cells/system.js";
import { memristorDriveSystem, sinusoid } from "../../src/devices/drive.js";
import { hysteresisLoopArea } from "../../src/devices/loopArea.js";
import { createMemristor } from "../../src/devices/registry.js";
import { simulateNgspice } from "../../src/engines/ngspice.js";
import { simulateTypescript } from "../../src/engines/typescript.js";
import { solve } from "../../src/solvers/solve.js";
import { arrayNetlist } from "../../src/spice/netlist/cellArray.js";
import { memristorDriveNetlist } from "../../src/spice/netlist/memristorDrive.js";
import { renderNetlist } from "../../src/spice/netlist/model.js";
import { nodeName, parseNodeName } from "../../src/spice/netlist/nodeNames.js";
import { checkTopology, floatingNodes, TopologyError } from "../../src/spice/netlist/topology.js";
import { runNgspice } from "../../src/spice/runner.js";
import { randomArray } from "../support/arrays.js";
import { picture } from "../support/images.js";

describe("arrayNetlist(array, options)", () => {
  const array = randomArray({
    seed: 2,
    channels: 2,
    inputChannels: 1,
    rows: 3,
    cols: 4,
    boundary: { kind: "zero-flux" },
  });

  it("writes the same bytes twice", () => {
    const a = renderNetlist(arrayNetlist(array, { T: 1 }).netlist);
    const b = renderNetlist(
      arrayNetlist(
        randomArray({
          seed: 2,
          channels: 2,
          inputChannels: 1,
          rows: 3,
          cols: 4,
          boundary: { kind: "zero-flux" },
        }),
        { T: 1 },
      ).netlist,
    );
    expect(b).toBe(a);
  });

  it("writes numbers in exponent form only, ASCII, never a SPICE scale suffix", () => {
    const text = renderNetlist(arrayNetlist(array, { T: 1 }).netlist);
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    // Every numeric token outside comments is a plain or exponent-form number: no 1k, 1M, 1meg, 1u.
    const cards = text.split("\n").filter((line) => !line.startsWith("*"));
    const tokens = cards
      .join(" ")
      .split(/[\s=(),*+/]+/)
      .filter((t) => /^-?\d/.test(t));
    expect(tokens.length).toBeGreaterThan(50);
    for (const t of tokens) expect(t).toMatch(/^-?\d+(\.\d+)?(e-?\d+)?$/);
    expect(text.startsWith("cellspice CellNN array")).toBe(true);
    expect(text.trimEnd().endsWith(".end")).toBe(true);
  });

  it("names nodes x_c_i_j that round-trip to (channel, row, column)", () => {
    const { stateVectors } = arrayNetlist(array, { T: 1 });
    expect(stateVectors).toHaveLength(24);
    stateVectors.forEach((v, p) => {
      const node = parseNodeName(v);
      expect(node.kind).toBe("x");
      expect((node.channel * 3 + node.row) * 4 + node.col).toBe(p);
      expect(`v(${nodeName("x", node.channel, node.row, node.col)})`).toBe(v);
    });
    expect(() => parseNodeName("v(q_1_2)")).toThrow(/not a cell node/);
  });

  it("gives every node a DC path to ground, and the check finds one that has none", () => {
    const built = arrayNetlist(
      {
        ...array,
        memristor: {
          model: createMemristor("strachan-taox"),
          w0: new Float64Array(24).fill(0.1),
          voltage: "x",
        },
      },
      { T: 1 },
    );
    expect(floatingNodes(built.netlist)).toEqual([]);
    built.netlist.elements = built.netlist.elements.filter((e) => e.name !== "rx_1_2_3");
    built.netlist.elements.push({ kind: "C", name: "cfloat", nodes: ["a", "b"], value: 1e-9 });
    expect(floatingNodes(built.netlist)).toEqual(["a", "b"]);
    expect(() => checkTopology(built.netlist)).toThrow(TopologyError);
  });

  it("keeps the checked-in example netlists and memristor libraries current (npm run netlists)", () => {
    for (const [path, text] of Object.entries(exampleFiles())) {
      expect(readFileSync(path, "utf8"), `${path} is stale: run npm run netlists`).toBe(text);
    }
  });
});

describe("ngspice on generated netlists", () => {
  it("a linear array (A = 0) matches the closed form within ngspice's tolerances", async () => {
    const a = randomArray({
      seed: 9,
      channels: 2,
      inputChannels: 2,
      rows: 3,
      cols: 3,
      boundary: { kind: "periodic" },
    });
    const linear = { ...a, A: { ...a.A, data: new Float64Array(a.A.data.length) } };
    const ng = await simulateNgspice(linear, { T: 3, maxStep: 1e-3 });
    const c = createCellSystem(linear).constantInput;
    let err = 0;
    ng.t.forEach((t, k) => {
      for (let p = 0; p < ng.cells; p++) {
        const exact = Math.exp(-t) * linear.x0[p] + (1 - Math.exp(-t)) * c[p];
        err = Math.max(err, Math.abs(ng.x[k * ng.cells + p] - exact));
      }
    });
    // Trapezoidal rule with steps ≤ 1e-3 τ: local error ~h³/12·|x'''| per step, ~1e-7 over 3 τ.
    expect(err).toBeLessThan(1e-5);
    expect(ng.t[ng.t.length - 1]).toBeCloseTo(3, 9);
  });

  it("VCCS and behavioural template forms, source and folded inputs give the same waveforms", async () => {
    const edge = classicArray(classicTemplate("edge"), picture(["....", ".##.", ".#..", "...."]));
    const runs = await Promise.all(
      (
        [
          ["vccs", "sources"],
          ["behavioral", "sources"],
          ["vccs", "folded"],
          ["behavioral", "folded"],
        ] as const
      ).map(([templateForm, inputForm]) =>
        simulateNgspice(edge, { T: 3, templateForm, inputForm, maxStep: 1e-3 }),
      ),
    );
    const ref = simulateTypescript(edge, { T: 3, tEval: [3] });
    for (const r of runs) {
      const last = r.x.subarray((r.t.length - 1) * r.cells);
      last.forEach((v, p) => {
        expect(Math.abs(v - ref.x[p])).toBeLessThan(1e-5);
      });
    }
  });

  for (const name of ["strachan-taox", "strachan-taox-smooth"]) {
    it(`${name} subcircuit at 0.45 V, 3 Hz: a pinched loop matching the TypeScript model`, async () => {
      const model = createMemristor(name);
      // Step cap 1/60000 s: ngspice's error in w converges as h² (measured: 2.7e-3 at the default
      // 1/6000 s, 3.0e-5 at 1/60000 s, 3.0e-7 at 1/600000 s against dopri5 at rtol 1e-11).
      const netlist = renderNetlist(
        memristorDriveNetlist(model, {
          amplitude: 0.45,
          frequency: 3,
          duration: 1,
          w0: 0.1,
          maxStep: 1 / 60000,
        }),
      );
      const r = await runNgspice(netlist, { expectVectors: ["v(p)", "v(w)", "i(vd)"], tstop: 1 });
      const t = r.plot.vector("time");
      const v = r.plot.vector("v(p)");
      const w = r.plot.vector("v(w)");
      const i = r.plot.vector("i(vd)").map((x) => -x);
      const ts = solve(memristorDriveSystem(model, sinusoid(0.45, 3)), {
        method: "dopri5",
        t0: 0,
        t1: 1,
        y0: Float64Array.of(0.1),
        tEval: t,
        rtol: 1e-10,
        atol: 1e-12,
        hMax: 0.01,
      });
      let wErr = 0;
      let iErr = 0;
      let iMax = 0;
      for (let k = 0; k < t.length; k++) {
        wErr = Math.max(wErr, Math.abs(w[k] - ts.y[k]));
        iErr = Math.max(iErr, Math.abs(i[k] - model.current(ts.y[k], v[k])));
        iMax = Math.max(iMax, Math.abs(i[k]));
      }
      expect(wErr).toBeLessThan(1e-4);
      // The current follows from w: its error is G_m·|v|·δw ≈ 0.025·0.45·1e-4 relative to iMax.
      expect(iErr / iMax).toBeLessThan(1e-3);
      expect(w[w.length - 1]).toBeCloseTo(0.10998, 4);
      expect(Math.max(...w)).toBeCloseTo(0.3736, 2);
      // Pinched at the origin: wherever v crosses zero the current does too.
      for (let k = 1; k < t.length; k++) {
        if (v[k - 1] * v[k] < 0) {
          const s = v[k - 1] / (v[k - 1] - v[k]);
          expect(Math.abs(i[k - 1] + s * (i[k] - i[k - 1]))).toBeLessThan(1e-3 * iMax);
        }
      }
      expect(hysteresisLoopArea(Array.from(v), Array.from(i)).absolute).toBeGreaterThan(0);
    });
  }
});
