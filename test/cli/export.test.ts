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
    await bad(
      ["--layer", "tiny", "--hardware", at("none.json")],
      3,
      /none\.json.*cannot read the hardware profile/s,
    );
    await bad([], 2, /--layer/);
    const fixture = await cli(["export", "test/fixtures/models/cellnn-mnist", "--layer", "up9"]);
    expect(fixture.code).toBe(3);
    expect(fixture.stderr).toMatch(
      /init_conv, down1\.block, down2\.block, up1\.block1, up1\.block2, up2\.block1, up2\.block2, all/,
    );
  });
});

describe("cellspice export/cosim MODEL_DIR --hardware PROFILE", () => {
  const profile = {
    format: "cellspice-hardware",
    version: 1,
    name: "test-mapped",
    quantisation: { bits: 6 },
    mismatch: { sigma: 0.02 },
    offset: { sigma: 0.01 },
  };

  it("exports mapped tiles (per-instance values, the same node map) that run in ngspice, and co-simulates them: PASS", async () => {
    writeFileSync(at("profile.json"), JSON.stringify(profile));
    const exportSeed = async (seed: string, out: string) => {
      const r = await cli([
        "-q",
        "export",
        dir,
        "--layer",
        "tiny",
        "--tile",
        "3x3",
        "--hardware",
        at("profile.json"),
        "--mismatch-seed",
        seed,
        "--out-dir",
        at(out),
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^tiny: 4 netlist\(s\)/);
    };
    await exportSeed("4", "hw4");
    await exportSeed("4", "hw4again");
    await exportSeed("5", "hw5");
    const tile = at("hw4", "tiny", "r0c0.cir");
    const text = readFileSync(tile, "utf8");
    expect(text).toMatch(/^cellspice mapped layer tiny, tile rows 0-2 columns 0-2$/m);
    expect(text).toMatch(
      /^\* ring: 7 positions x 2 channels of outputs y driven by behavioural pwl/m,
    );
    // Deterministic for a seed; another seed realises other transconductances.
    expect(readFileSync(at("hw4again", "tiny", "r0c0.cir"), "utf8")).toBe(text);
    expect(readFileSync(at("hw5", "tiny", "r0c0.cir"), "utf8")).not.toBe(text);
    const gain = (t: string, name: string) =>
      t
        .split("\n")
        .find((l) => l.startsWith(`${name} `))!
        .split(" ")
        .at(-1);
    expect(gain(text, "gx_0_1_1_y_0_0_0")).not.toBe(gain(text, "gx_0_1_2_y_0_0_1"));
    const map = parseNodeMap(
      JSON.parse(readFileSync(at("hw4", "tiny", "r0c0.nodes.json"), "utf8")),
    );
    expect(new Set(Object.keys(map.nodes))).toEqual(
      new Set(text.match(/\b[xyuwm]_\d+_\d+_\d+\b/g)),
    );
    expect(map.nodes.y_1_3_1).toEqual({ kind: "y", channel: 1, row: 3, col: 1, role: "ring" });
    const index = JSON.parse(readFileSync(at("hw4", "export.json"), "utf8"));
    expect(index.layers[0].hardware).toEqual({ profile: "profile.json", mismatchSeed: 4 });
    expect(await ngspiceBatch(tile)).toBe(0);
    expect((await readRawFile(at("hw4", "tiny", "r0c0.raw"))).plots.at(-1)!.has("v(x_1_2_2)")).toBe(
      true,
    );

    const r = await cli([
      "cosim",
      dir,
      "--layer",
      "tiny",
      "--tile",
      "3x3",
      "--hardware",
      at("profile.json"),
      "--mismatch-seed",
      "4",
      "--jobs",
      "2",
      "--out-dir",
      at("hwcosim"),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /tiny mapped by profile\.json \(seed 4\): 2×5×5 cells in 4 tiles of 3×3, T_hw = 1 τ: PASS/,
    );
    expect(r.stdout).toMatch(/tiles: 4 pass, 0 fail/);
    const summary = JSON.parse(readFileSync(at("hwcosim", "layer-cosim.json"), "utf8"));
    expect(summary.verdict.pass).toBe(true);
    expect(summary.overall.maxAbs).toBeLessThan(1e-4);
    expect(summary.tiles).toHaveLength(4);
  });

  it("refuses a bad profile, seed or form with exit 3 naming the field", async () => {
    writeFileSync(at("bad-profile.json"), JSON.stringify({ ...profile, mismatch: { sigma: -1 } }));
    const bad = async (args: string[], pattern: RegExp) => {
      const r = await cli(["export", dir, "--layer", "tiny", "--out-dir", at("hwbad"), ...args]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(pattern);
    };
    await bad(["--hardware", at("bad-profile.json")], /mismatch\.sigma/);
    writeFileSync(
      at("bad-layers.json"),
      JSON.stringify({ ...profile, layers: { analog: ["tinny"] } }),
    );
    await bad(["--hardware", at("bad-layers.json")], /layers\.analog\[0\].*tiny/s);
    await bad(
      ["--hardware", at("profile.json"), "--mismatch-seed", "x"],
      /--mismatch-seed.*integer/s,
    );
    await bad(
      ["--hardware", at("profile.json"), "--input-form", "folded"],
      /--input-form.*sources/s,
    );
    const c = await cli(["cosim", dir, "--layer", "tiny", "--hardware", at("bad-profile.json")]);
    expect(c.code, c.stderr).toBe(3);
    expect(c.stderr).toMatch(/mismatch\.sigma/);
  });

  it("refuses cellspice solver options with --hardware (the mapped co-simulation sets its own)", async () => {
    const r = await cli([
      "cosim",
      dir,
      "--layer",
      "tiny",
      "--hardware",
      at("profile.json"),
      "--rtol",
      "1e-6",
      "--precision",
      "float32",
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--rtol, --precision: the mapped co-simulation.*leave them out/s);
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
    // A layer's defaults (LAYER_DEFAULTS) reach ngspice: inputs folded, step cap 3e-3 τ.
    expect(summary.engines.ngspice).toMatchObject({ inputForm: "folded", maxStep: 3e-3 });
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
    // The solver options reach cellspice's side: float32 A ⋆ f(x) at a stated tolerance, PASS.
    const f32 = await cli([
      "cosim",
      dir,
      "--layer",
      "tiny",
      "--tile",
      "3x3",
      "--precision",
      "float32",
      "--rtol",
      "1e-9",
      "--out-dir",
      at("cosim32"),
    ]);
    expect(f32.code, f32.stdout + f32.stderr).toBe(0);
    expect(f32.stdout).toMatch(/tiles: 4 pass, 0 fail/);
    const s32 = JSON.parse(readFileSync(at("cosim32", "layer-cosim.json"), "utf8"));
    expect(s32.engines.cellspice.precision).toBe("float32");
    expect(s32.engines.cellspice.settings.rtol).toBe(1e-9);
    expect(summary.engines.cellspice.precision).toBe("float64");
    expect(readFileSync(at("cosim32", "report.html"), "utf8")).toMatch(/float32 A ⋆ f\(x\)/);
    const none = await cli(["cosim", dir, "--tile", "3x3"]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/--layer.*tiny/s);
  });
});
