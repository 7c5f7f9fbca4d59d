import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classicArray, classicTemplate } from "../../src/cells/library.js";
import type { CellArray } from "../../src/cells/spec.js";
import { runCosim } from "../../src/cosim/cosim.js";
import { ringDriveFrom } from "../../src/cosim/tiles.js";
import { createMemristor } from "../../src/devices/registry.js";
import { simulateTypescript } from "../../src/engines/typescript.js";
import { arrayNetlist, regionNetlist } from "../../src/spice/netlist/cellArray.js";
import { controlBlock, rawFileFor } from "../../src/spice/netlist/control.js";
import { renderNetlist } from "../../src/spice/netlist/model.js";
import { buildNodeMap, parseNodeMap } from "../../src/spice/netlist/nodeMap.js";
import { ringPositions } from "../../src/spice/netlist/region.js";
import { checkTopology, TopologyError } from "../../src/spice/netlist/topology.js";
import { writeNetlistFile } from "../../src/spice/netlist/writeFile.js";
import { readRawFile } from "../../src/spice/raw.js";
import { randomArray } from "../support/arrays.js";
import { picture } from "../support/images.js";

const array = randomArray({ seed: 5, channels: 2, inputChannels: 1, rows: 6, cols: 5 });
const tile = { row0: 2, col0: 1, rows: 2, cols: 3 };

describe("ringPositions(array, region, radius)", () => {
  it("is the cells around the tile, radius wide, mapped by the boundary", () => {
    // Fixed boundary: rows 1 and 4, columns 0…4 around rows 2–3, columns 1–3.
    expect(ringPositions(array, tile, 1)).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
      [2, 0],
      [2, 4],
      [3, 0],
      [3, 4],
      [4, 0],
      [4, 1],
      [4, 2],
      [4, 3],
      [4, 4],
    ]);
    // A corner tile of a periodic array reads the far side.
    const torus = { ...array, boundary: { kind: "periodic" as const } };
    const corner = ringPositions(torus, { row0: 0, col0: 0, rows: 1, cols: 1 }, 1);
    expect(corner).toEqual([
      [0, 1],
      [0, 4],
      [1, 0],
      [1, 1],
      [1, 4],
      [5, 0],
      [5, 1],
      [5, 4],
    ]);
    // Fixed boundary: a corner tile has no ring beyond the array's edge.
    expect(ringPositions(array, { row0: 0, col0: 0, rows: 1, cols: 1 }, 1)).toEqual([
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
  });
});

describe("regionNetlist(array, options, tile, ring)", () => {
  const cs = simulateTypescript(array, { T: 1, points: 50 });
  const drive = ringDriveFrom(array, cs);

  it("holds the tile's cells, its ring as pwl(time) sources and its inputs as sources", () => {
    const built = regionNetlist(array, { T: 1 }, tile, drive);
    const text = renderNetlist(built.netlist);
    expect(built.stateVectors).toHaveLength(2 * 2 * 3);
    expect(built.stateVectors[0]).toBe("v(x_0_2_1)");
    expect(text).toMatch(/^by_1_4_4 y_1_4_4 0 v=pwl\(time, 0,/m);
    expect(text.match(/^by_\d_\d_\d y_/gm)).toHaveLength(2 * 14 + 2 * 6); // ring + tile outputs
    expect(text.match(/^vu_0_/gm)).toHaveLength(20); // tile and its B ring: rows 1–4 × columns 0–4
    expect(text).not.toMatch(/x_0_1_/); // ring cells are not simulated
    expect([...built.netlist.elements].length).toBe(built.countElements());
  });

  it("an undriven ring fails the topology check, naming the ring's output nodes", () => {
    const built = regionNetlist(array, { T: 1 }, tile, "undriven");
    try {
      checkTopology(built.netlist);
      expect.unreachable("the check passed");
    } catch (e) {
      expect(e).toBeInstanceOf(TopologyError);
      const floating = (e as TopologyError).floatingNodes;
      expect(floating).toHaveLength(2 * 14);
      expect(floating).toContain("y_0_1_0");
      expect(floating.every((n) => n.startsWith("y_"))).toBe(true);
    }
    expect(() => regionNetlist(array, { T: 1 }, tile)).toThrow(/ring.*reads 14 ring positions/);
  });

  it("writes the same bytes twice, streamed or rendered in memory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cellspice-tile-"));
    try {
      const a = renderNetlist(regionNetlist(array, { T: 1 }, tile, drive).netlist);
      const again = ringDriveFrom(array, simulateTypescript(array, { T: 1, points: 50 }));
      const written = await writeNetlistFile(
        join(dir, "t.cir"),
        regionNetlist(array, { T: 1 }, tile, again).netlist,
      );
      expect(readFileSync(join(dir, "t.cir"), "utf8")).toBe(a);
      expect(written.bytes).toBe(Buffer.byteLength(a));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has a node map that round-trips: every node of the text, and only those, each to its cell", () => {
    const m = { ...array, memristor: mcellnnOf(array, "y").memristor };
    const built = regionNetlist(m, { T: 1 }, tile, drive);
    const text = renderNetlist(built.netlist);
    const map = parseNodeMap(JSON.parse(JSON.stringify(buildNodeMap(m, built, "t.cir"))));
    const inText = new Set(text.match(/\b[xyuwm]_\d+_\d+_\d+\b/g));
    expect(new Set(Object.keys(map.nodes))).toEqual(inText);
    expect(map.tile).toEqual({ ...tile, whole: false });
    expect(map.nodes.y_1_4_4).toEqual({ kind: "y", channel: 1, row: 4, col: 4, role: "ring" });
    expect(map.nodes.m_0_2_1).toEqual({ kind: "m", channel: 0, row: 2, col: 1, role: "cell" });
    const bad = JSON.parse(JSON.stringify(map));
    bad.nodes.x_0_2_1.row = 3;
    expect(() => parseNodeMap(bad, "t.nodes.json")).toThrow(/t\.nodes\.json:nodes\.x_0_2_1/);
  });
});

function mcellnnOf(a: CellArray, voltage: "x" | "y"): CellArray {
  return {
    ...a,
    memristor: {
      model: createMemristor("strachan-taox-smooth"),
      w0: new Float64Array(a.channels * a.rows * a.cols).fill(0.1),
      voltage,
    },
  };
}

describe("an M-CellNN whose memristor senses y", () => {
  it("has a circuit (sense source, memristor on y, its current drawn from x) that co-simulates", async () => {
    const base = classicArray(classicTemplate("edge"), picture(["...", ".#.", "##."]));
    const a: CellArray = { ...mcellnnOf(base, "y"), scales: { tau: 1e-3, Vs: 0.7, R: 100 } };
    const text = renderNetlist(arrayNetlist(a, { T: 2 }).netlist);
    expect(text).toMatch(/^vm_0_1_1 y_0_1_1 m_0_1_1 dc 0$/m);
    expect(text).toMatch(/^xm_0_1_1 m_0_1_1 0 w_0_1_1 taox_strachan_smooth params: w0=1e-1$/m);
    expect(text).toMatch(/^fm_0_1_1 x_0_1_1 0 vm_0_1_1 1e0$/m);
    const r = await runCosim(a, { T: 2 });
    expect(r.verdict.failed).toEqual([]);
    expect(r.verdict.pass).toBe(true);
    // The memristor matters here: sensing x instead moves the states by far more than 1e-4.
    const asX = simulateTypescript(
      { ...a, memristor: { ...a.memristor!, voltage: "x" } },
      {
        T: 2,
        tEval: [2],
      },
    );
    const n = 9;
    const last = r.cellspice.x.subarray((r.t.length - 1) * n);
    let change = 0;
    for (let p = 0; p < n; p++) change = Math.max(change, Math.abs(last[p] - asX.x[p]));
    expect(change).toBeGreaterThan(1e-2);
  });
});

describe("controlBlock(rawFile)", () => {
  it("makes `ngspice -b FILE` write FILE.raw beside the netlist and exit 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cellspice-control-"));
    try {
      const file = join(dir, "edge.cir");
      const base = classicArray(classicTemplate("edge"), picture(["...", ".#.", "..."]));
      const built = arrayNetlist(base, { T: 1, points: 20, controlRawFile: rawFileFor(file) });
      writeFileSync(file, renderNetlist(built.netlist));
      const code = await new Promise<number>((done) =>
        execFile(process.env.CELLSPICE_NGSPICE ?? "ngspice", ["-b", file], { cwd: tmpdir() }, (e) =>
          done(e ? Number(e.code ?? -1) : 0),
        ),
      );
      expect(code).toBe(0);
      const raw = await readRawFile(join(dir, "edge.raw"));
      const plot = raw.plots[raw.plots.length - 1];
      expect(plot.has("v(x_0_1_1)")).toBe(true);
      expect(plot.time![plot.time!.length - 1]).toBeCloseTo(1e-3, 12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => controlBlock("a b.raw")).toThrow(/rawFile/);
    expect(rawFileFor("out/up1.block1/r0c7.cir")).toBe("r0c7.raw");
  });
});
