import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { parseNodeMap } from "../../src/spice/netlist/nodeMap.js";
import { readRawFile } from "../../src/spice/raw.js";
import { buildOnce, cli } from "./cli.js";

/** A safetensors file of float64 tensors (the format src/trained/safetensors.ts reads). */
function safetensors(
  tensors: Record<string, { shape: number[]; data: ArrayLike<number> }>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = {
      dtype: "F64",
      shape: t.shape,
      data_offsets: [offset, offset + 8 * t.data.length],
    };
    offset += 8 * t.data.length;
  }
  const h = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + h.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(h.length), true);
  bytes.set(h, 8);
  let at = 8 + h.length;
  for (const t of Object.values(tensors))
    for (let k = 0; k < t.data.length; k++, at += 8) view.setFloat64(at, t.data[k], true);
  return bytes;
}

/** A model directory with one cellular layer "tiny": 1 → 2 channels on 5×5 cells, random templates. */
function tinyModel(dir: string): void {
  const rand = seededRandom(11);
  const layer = {
    name: "tiny",
    c_in: 1,
    c_out: 2,
    height: 5,
    width: 5,
    templates: { A: "tiny.A", B: "tiny.B", z: "tiny.z" },
    cell: {
      output: { function: "leaky", alpha: 0.01 },
      T: 1,
      solver: { method: "rk4", steps: 2 },
      boundary: "fixed",
      x0: "zero",
      memristor: null,
    },
  };
  const manifest = {
    format: "cellspice-unet",
    format_version: 1,
    architecture: { backbone: "cellnn", n_feat: 2, in_channels: 1, image_size: 5, n_classes: 0 },
    cell_layers: [layer],
    tensors_file: "model.safetensors",
    golden: { file: "golden.safetensors" },
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  writeFileSync(
    join(dir, "model.safetensors"),
    safetensors({
      "tiny.A": { shape: [2, 2, 3, 3], data: uniformArray(36, -0.3, 0.3, rand) },
      "tiny.B": { shape: [2, 1, 3, 3], data: uniformArray(18, -0.5, 0.5, rand) },
      "tiny.z": { shape: [2], data: uniformArray(2, -0.3, 0.3, rand) },
    }),
  );
  writeFileSync(
    join(dir, "golden.safetensors"),
    safetensors({
      "layers.tiny.input": { shape: [1, 1, 5, 5], data: uniformArray(25, -1, 1, rand) },
    }),
  );
}

let dir: string;
const at = (...p: string[]) => join(dir, ...p);
const files = (d: string): string[] =>
  readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(d.length + 1))
    .sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cellspice-export-"));
  tinyModel(dir);
  await buildOnce();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ngspiceBatch(file: string): Promise<number> {
  return new Promise((done) =>
    execFile(process.env.CELLSPICE_NGSPICE ?? "ngspice", ["-b", file], { cwd: tmpdir() }, (e) =>
      done(e ? Number(e.code ?? -1) : 0),
    ),
  );
}

describe("cellspice export MODEL_DIR", () => {
  it("writes the whole layer and its tiles (ragged last ones), byte-identical when repeated", async () => {
    for (const out of ["a", "b"]) {
      const whole = await cli([
        "-q",
        "export",
        dir,
        "--layer",
        "all",
        "--out-dir",
        at(out, "whole"),
      ]);
      expect(whole.code, whole.stderr).toBe(0);
      const tiled = await cli([
        "-q",
        "export",
        dir,
        "--layer",
        "tiny",
        "--tile",
        "2x2",
        "--out-dir",
        at(out, "tiles"),
      ]);
      expect(tiled.code, tiled.stderr).toBe(0);
      expect(tiled.stdout).toMatch(/^tiny: 9 netlist\(s\)/);
    }
    const names = files(at("a"));
    expect(names).toContain(join("tiles", "tiny", "r4c4.cir"));
    expect(names).toContain(join("whole", "tiny.nodes.json"));
    expect(files(at("b"))).toEqual(names);
    for (const f of names)
      expect(readFileSync(at("b", f)).equals(readFileSync(at("a", f))), f).toBe(true);
  });

  it("netlists run unchanged in ngspice (-b writes the raw file beside them); tiles reproduce the whole layer", async () => {
    expect(await ngspiceBatch(at("a", "whole", "tiny.cir"))).toBe(0);
    expect(await ngspiceBatch(at("a", "tiles", "tiny", "r2c2.cir"))).toBe(0);
    const whole = (await readRawFile(at("a", "whole", "tiny.raw"))).plots.at(-1)!;
    const tile = (await readRawFile(at("a", "tiles", "tiny", "r2c2.raw"))).plots.at(-1)!;
    const map = parseNodeMap(
      JSON.parse(readFileSync(at("a", "tiles", "tiny", "r2c2.nodes.json"), "utf8")),
    );
    expect(map.tile).toEqual({ row0: 2, col0: 2, rows: 2, cols: 2, whole: false });
    const cells = Object.entries(map.nodes).filter(([, e]) => e.kind === "x" && e.role === "cell");
    expect(cells).toHaveLength(8);
    const text = readFileSync(at("a", "tiles", "tiny", "r2c2.cir"), "utf8");
    expect(new Set(Object.keys(map.nodes))).toEqual(
      new Set(text.match(/\b[xyuwm]_\d+_\d+_\d+\b/g)),
    );
    for (const [name] of cells) {
      const a = whole.vector(`v(${name})`);
      const b = tile.vector(`v(${name})`);
      // Final states (V; V_s = 0.5 V per unit of x): the tile's ring follows cellspice's solution.
      expect(Math.abs(a[a.length - 1] - b[b.length - 1]) / map.scales.Vs_V).toBeLessThan(1e-4);
    }
  });

  it("refuses bad layer names, tile sizes, input shapes, out-dirs and --hardware, naming the valid values", async () => {
    const bad = async (args: string[], code: number, pattern: RegExp) => {
      const r = await cli(["export", dir, ...args]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(pattern);
    };
    await bad(["--layer", "nope"], 3, /--layer.*tiny, all/s);
    await bad(["--layer", "tiny", "--tile", "0x2"], 3, /tile\.rows.*1…5/s);
    await bad(["--layer", "tiny", "--tile", "2x6"], 3, /tile\.cols.*1…5/s);
    await bad(["--layer", "tiny", "--tile", "two"], 3, /--tile.*RxC/s);
    writeFileSync(
      at("wrong.safetensors"),
      safetensors({ input: { shape: [1, 4, 4], data: new Float64Array(16) } }),
    );
    await bad(
      ["--layer", "tiny", "--input", at("wrong.safetensors")],
      3,
      /\[1, 5, 5\] or \[1, 1, 5, 5\]/,
    );
    writeFileSync(at("a-file"), "x");
    await bad(["--layer", "tiny", "--out-dir", at("a-file")], 3, /a-file.*writable directory/s);
    await bad(["--layer", "tiny", "--hardware", "ace16k"], 3, /--hardware.*not available yet/s);
    await bad([], 2, /--layer/);
    const fixture = await cli(["export", "test/fixtures/models/cellnn-mnist", "--layer", "up9"]);
    expect(fixture.code).toBe(3);
    expect(fixture.stderr).toMatch(
      /init_conv, down1\.block, down2\.block, up1\.block1, up1\.block2, up2\.block1, up2\.block2, all/,
    );
  });
});

describe("cellspice cosim MODEL_DIR --layer NAME", () => {
  it("co-simulates every tile, gives a verdict per tile and for the layer, and writes the report", async () => {
    const r = await cli([
      "cosim",
      dir,
      "--layer",
      "tiny",
      "--tile",
      "3x3",
      "--jobs",
      "2",
      "--out-dir",
      at("cosim"),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tiny: 2×5×5 cells in 4 tiles of 3×3, T = 1 τ: PASS/);
    expect(r.stdout).toMatch(/tiles: 4 pass, 0 fail/);
    const summary = JSON.parse(readFileSync(at("cosim", "layer-cosim.json"), "utf8"));
    expect(summary.tiles.map((t: { name: string; pass: boolean }) => [t.name, t.pass])).toEqual([
      ["r0c0", true],
      ["r0c3", true],
      ["r3c0", true],
      ["r3c3", true],
    ]);
    expect(readFileSync(at("cosim", "report.html"), "utf8")).toMatch(
      /Tile-by-tile co-simulation of tiny/,
    );
    expect(files(at("cosim"))).toEqual(
      expect.arrayContaining([
        "error-map-c0.svg",
        "error-map-c1.svg",
        "tile-map.svg",
        "waveforms.svg",
      ]),
    );
    const none = await cli(["cosim", dir, "--tile", "3x3"]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/--layer.*tiny/s);
  });
});
