import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededNoise } from "../../src/diffusion/index.js";
import { parseSafetensors } from "../../src/trained/safetensors.js";
import { writeSafetensors } from "../../src/trained/safetensorsWriter.js";
import { buildOnce, cli, MAIN, ROOT } from "./cli.js";

/** The fixture the CLI tests sample from (the cellular one: its layers run on an engine). */
const MODEL = join(ROOT, "test/fixtures/models/cellnn-mnist");
/** The cheapest fixture (no cellular layers), where only the sampling wiring is tested. */
const CONV = join(ROOT, "test/fixtures/models/conv-mnist");
let dir: string;
const at = (name: string) => join(dir, name);
/** A small run: 2 classes × 2 samples, 3 DDIM steps. */
const SMALL = ["--classes", "3,7", "--per-class", "2", "--steps", "3", "--batch", "3"];

function readSamples(outDir: string) {
  const { tensors, metadata } = parseSafetensors(readFileSync(join(outDir, "samples.safetensors")));
  return { tensors, metadata };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cellspice-sample-"));
  await buildOnce();
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("cellspice sample", () => {
  it("sample writes the grid, the samples class-major, the summary and the report", async () => {
    const r = await cli(["sample", MODEL, ...SMALL, "--out-dir", at("run")]);
    expect(r.code, r.stderr).toBe(0);
    const { tensors } = readSamples(at("run"));
    const x0 = tensors.get("x0");
    expect(x0?.dtype).toBe("F32");
    expect(x0?.shape).toEqual([4, 1, 28, 28]);
    expect(tensors.get("classes")?.dtype).toBe("I64");
    expect(Array.from(tensors.get("classes")?.data ?? [])).toEqual([3, 3, 7, 7]);
    const png = PNG.sync.read(readFileSync(at("run/samples.png")));
    expect([png.width, png.height]).toEqual([(2 * 30 + 2) * 2, (2 * 30 + 2) * 2]);
    const summary = JSON.parse(readFileSync(at("run/summary.json"), "utf8"));
    // Which weights were sampled: the sha256 of model.safetensors, as sha256sum(1) gives it.
    const sha256sum = execFileSync("sha256sum", [join(MODEL, "model.safetensors")], {
      encoding: "utf8",
    }).split(" ")[0];
    expect(summary.model.weightsSha256).toBe(sha256sum);
    expect(summary.settings).toMatchObject({
      classes: [3, 7],
      perClass: 2,
      sampler: "ddim",
      steps: 3,
      w: 2,
      batch: 3,
    });
    expect(summary.settings.timesteps).toEqual([400, 200, 1]);
    expect(summary.settings.noise).toMatchObject({ kind: "seeded", seed: 0 });
    expect(summary.settings.digitalPrecision).toBe("float64");
    expect(summary.sets).toHaveLength(1);
    expect(summary.sets[0].engine).toMatchObject({ engine: "trained" });
    expect(
      summary.sets[0].scores.agreement.perClass.map((p: { class: number }) => p.class),
    ).toEqual([3, 7]);
    // 4 samples × 3 steps × 2 (guidance)
    expect(summary.sets[0].timing.imageForwards).toBe(24);
    expect(readFileSync(at("run/report.html"), "utf8")).toContain('<img class="grid"');
    expect(r.stdout).toContain(`report: ${at("run/report.html")}`);
    // Progress on stderr, as plain lines (not a terminal here), ending with the count and rate.
    expect(r.stderr).toMatch(/sampling \(trained\): 4\/4 images in \d+\.\d s/);
    expect(existsSync(at("run/samples-ideal.png"))).toBe(false);
  });

  it("sample --precision float32 runs the trained engine's float32 correlation, close to float64; the cell and circuit engines too", async () => {
    const r = await cli([
      "sample",
      MODEL,
      ...SMALL,
      "--precision",
      "float32",
      "--out-dir",
      at("f32"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(at("f32/summary.json"), "utf8"));
    expect(summary.sets[0].engine.precision).toMatch(/^float32 correlation/);
    expect(summary.settings.digitalPrecision).toBe("float32");
    // the float64 run of the first test, from the same seeded noise
    const a = readSamples(at("run")).tensors.get("x0")!.data;
    const b = readSamples(at("f32")).tensors.get("x0")!.data;
    let worst = 0;
    for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
    expect(worst).toBeLessThan(1e-4);
    // The cell engine takes float32 too (the adaptive solver on a float32 correlation); one
    // image of three steps, since the continuous cell costs many trained forwards at n_feat 32.
    const cell = async (extra: string[], out: string) => {
      const c = await cli([
        "sample",
        MODEL,
        ...["--classes", "3", "--per-class", "1", "--steps", "3"],
        "--engine",
        "cell",
        ...extra,
        "--out-dir",
        at(out),
      ]);
      expect(c.code, c.stderr).toBe(0);
      return readSamples(at(out)).tensors.get("x0")!.data;
    };
    const c64 = await cell([], "cell64");
    const c32 = await cell(["--precision", "float32"], "cell32");
    const s32 = JSON.parse(readFileSync(at("cell32/summary.json"), "utf8"));
    expect(s32.sets[0].engine.precision).toMatch(/^float32 correlation/);
    let apart = 0;
    for (let k = 0; k < c64.length; k++) apart = Math.max(apart, Math.abs(c64[k] - c32[k]));
    // The adaptive solver picks its own steps on each, and the sampler carries the differences
    // through every step: within an eighth of one 8-bit grey level (2/255), what a PNG resolves.
    expect(apart).toBeGreaterThan(0);
    expect(apart).toBeLessThan(1e-3);
    // --hardware takes float32 too: the circuit engine's f32x4 space-variant kernels for the
    // faithful set, the cell engine's float32 for the ideal one.
    writeFileSync(
      at("mm-profile.json"),
      JSON.stringify({ format: "cellspice-hardware", version: 1, mismatch: { sigma: 0.02 } }),
    );
    const hardware = async (extra: string[], out: string) => {
      const c = await cli([
        "sample",
        MODEL,
        // one image, two steps, the sweeps' tolerances: the circuit engine's continuous cell
        ...[
          "--classes",
          "3",
          "--per-class",
          "1",
          "--steps",
          "2",
          "--rtol",
          "1e-4",
          "--atol",
          "1e-6",
        ],
        "--hardware",
        at("mm-profile.json"),
        "--mismatch-seed",
        "1",
        ...extra,
        "--out-dir",
        at(out),
      ]);
      expect(c.code, c.stderr).toBe(0);
      return {
        summary: JSON.parse(readFileSync(at(`${out}/summary.json`), "utf8")),
        x0: readSamples(at(out)).tensors.get("x0")!.data,
      };
    };
    const h64 = await hardware([], "hw64");
    const h32 = await hardware(["--precision", "float32"], "hw32");
    expect(h32.summary.sets[1].engine.precision).toMatch(
      /^float32 correlation \(f32x4 space-variant/,
    );
    expect(h64.summary.sets[1].engine.precision).toBe("float64");
    let hwApart = 0;
    for (let k = 0; k < h64.x0.length; k++)
      hwApart = Math.max(hwApart, Math.abs(h64.x0[k] - h32.x0[k]));
    // Two adaptive solves at rtol 1e-4 (float32 changes the accepted steps): measured 1.7e-3.
    expect(hwApart).toBeGreaterThan(0);
    expect(hwApart).toBeLessThan(5e-3);
    // What the sweeps measure, the mismatch's effect on the images, is the same in both.
    const effect = (h: typeof h64) => h.summary.comparison.pixelRmse as number;
    expect(effect(h64)).toBeGreaterThan(2e-3);
    expect(Math.abs(effect(h32) - effect(h64))).toBeLessThan(0.1 * effect(h64));
  });

  it("sample --noise FILE reproduces a run bit for bit (its own samples.safetensors holds x_T); -q is silent", async () => {
    const first = await cli(["-q", "sample", CONV, ...SMALL, "--out-dir", at("conv")]);
    expect(first.code, first.stderr).toBe(0);
    const { tensors } = readSamples(at("conv"));
    const ids = [3, 3, 7, 7].map((cls, k) => ({ cls, index: k % 2 }));
    // The file's x_T is the seeded noise of the run (float32 draws, held exactly).
    expect(Array.from(tensors.get("x_T")?.data ?? [])).toEqual(
      Array.from(seededNoise(0, ids, 784).x_T(0, 4)),
    );
    const again = await cli([
      "-q",
      "sample",
      CONV,
      ...SMALL,
      "--batch",
      "1",
      "--noise",
      at("conv/samples.safetensors"),
      "--out-dir",
      at("again"),
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe("");
    expect(first.stderr).toBe("");
    expect(Array.from(readSamples(at("again")).tensors.get("x0")?.data ?? [])).toEqual(
      Array.from(tensors.get("x0")?.data ?? []),
    );
    const summary = JSON.parse(readFileSync(at("again/summary.json"), "utf8"));
    expect(summary.settings.noise).toMatchObject({
      kind: "file",
      file: at("conv/samples.safetensors"),
    });
    // Another seed, other images.
    const other = await cli([
      "-q",
      "sample",
      CONV,
      ...SMALL,
      "--seed",
      "1",
      "--out-dir",
      at("other"),
    ]);
    expect(other.code, other.stderr).toBe(0);
    expect(Array.from(readSamples(at("other")).tensors.get("x0")?.data ?? [])).not.toEqual(
      Array.from(tensors.get("x0")?.data ?? []),
    );
  });

  it("bad inputs exit 3 naming the option or field, and leave an existing out dir untouched", async () => {
    mkdirSync(at("keep"));
    writeFileSync(at("keep/samples.png"), "old");
    writeFileSync(at("keep/mine.txt"), "mine");
    await writeSafetensors(at("short.safetensors"), [
      { name: "x_T", dtype: "F32", shape: [3, 1, 28, 28], data: new Float64Array(3 * 784) },
    ]);
    await writeSafetensors(at("f64.safetensors"), [
      { name: "x_T", dtype: "F64", shape: [4, 1, 28, 28], data: new Float64Array(4 * 784) },
    ]);
    await writeSafetensors(at("noz.safetensors"), [
      { name: "x_T", dtype: "F32", shape: [4, 1, 28, 28], data: new Float64Array(4 * 784) },
    ]);
    mkdirSync(at("empty-model"));
    // [extra options, the field named, the problem stated]
    const cases: [string[], string, RegExp][] = [
      [["--classes", "3,12"], "--classes", /class 12 is not in the model/],
      [["--classes", "3,3"], "--classes", /class 3 is given twice/],
      [["--per-class", "0"], "--per-class", /got 0/],
      [["--steps", "0"], "--steps", /got 0/],
      [["--steps", "401"], "--steps", /valid: an integer in 1…400/],
      [["--sampler", "ddpm", "--steps", "10"], "--steps", /valid: 400 \(n_T\)/],
      [
        ["--noise", at("short.safetensors")],
        "x_T",
        /has shape \[3,1,28,28\][\s\S]*valid: \[4,1,28,28\]/,
      ],
      [["--noise", at("f64.safetensors")], "x_T", /has dtype F64/],
      [
        ["--noise", at("noz.safetensors"), "--sampler", "ddpm", "--steps", "400"],
        "z",
        /z: is missing/,
      ],
      [["--noise", at("missing.safetensors")], "--noise", /cannot read/],
      [["--w", "-1"], "--w", /got -1/],
      [
        ["--hardware", join(ROOT, "models/hardware/ace16k-like.json"), "--lockstep", "0"],
        "--lockstep",
        /got 0[\s\S]*valid: an integer from 1 to 16/,
      ],
      [
        ["--fid", "--data", at("nowhere")],
        join(at("nowhere"), "t10k-images-idx3-ubyte"),
        /not found/,
      ],
    ];
    for (const [extra, field, problem] of cases) {
      const r = await cli([
        "sample",
        MODEL,
        "--classes",
        "3,7",
        "--per-class",
        "2",
        "--steps",
        "3",
        ...extra,
        "--out-dir",
        at("keep"),
      ]);
      expect(r.code, `${extra.join(" ")}: ${r.stderr}`).toBe(3);
      expect(r.stderr, extra.join(" ")).toContain(`field: ${field}\n`);
      expect(r.stderr, extra.join(" ")).toMatch(problem);
    }
    const r = await cli(["sample", at("empty-model"), "--out-dir", at("keep")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(join(at("empty-model"), "manifest.json"));
    expect(readFileSync(at("keep/samples.png"), "utf8")).toBe("old");
    expect(readFileSync(at("keep/mine.txt"), "utf8")).toBe("mine");
  });

  it("Ctrl-C while sampling exits 130 at once and leaves the out dir as it was", async () => {
    mkdirSync(at("int"));
    writeFileSync(at("int/samples.png"), "old");
    const child = spawn(
      process.execPath,
      [
        MAIN,
        "sample",
        MODEL,
        "--classes",
        "3",
        "--per-class",
        "2",
        "--steps",
        "50",
        "--out-dir",
        at("int"),
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    const code = await new Promise<number | null>((done) => {
      child.stderr.on("data", (d) => {
        stderr += String(d);
        // The sampling loop has started (its first message): interrupt it there.
        if (stderr.includes("sampling 2 images") && !child.killed)
          setTimeout(() => child.kill("SIGINT"), 300);
      });
      child.on("exit", (c) => done(c));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toContain("interrupted by SIGINT");
    expect(readdirSync(at("int"))).toEqual(["samples.png"]);
    expect(readFileSync(at("int/samples.png"), "utf8")).toBe("old");
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  // 400 network passes: minutes on a busy 2-core machine, so only with CELLSPICE_SLOW_TESTS=1
  // (DDPM itself is tested in test/diffusion: the exact Gaussian chain and the golden chain).
  it.runIf(process.env.CELLSPICE_SLOW_TESTS === "1")(
    "sample --sampler ddpm with --noise (x_T and z) is deterministic and uses z",
    async () => {
      const n = 1 * 784;
      const z = Float64Array.from({ length: 400 * n }, (_, i) => Math.sin(i));
      const x_T = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
      const args = [
        "sample",
        MODEL,
        "--classes",
        "5",
        "--per-class",
        "1",
        "--sampler",
        "ddpm",
        "--w",
        "0",
        "-q",
      ];
      await writeSafetensors(at("ddpm.safetensors"), [
        { name: "x_T", dtype: "F32", shape: [1, 1, 28, 28], data: x_T },
        { name: "z", dtype: "F32", shape: [400, 1, 1, 28, 28], data: z },
      ]);
      await writeSafetensors(at("ddpm-neg.safetensors"), [
        { name: "x_T", dtype: "F32", shape: [1, 1, 28, 28], data: x_T },
        { name: "z", dtype: "F32", shape: [400, 1, 1, 28, 28], data: z.map((v) => -v) },
      ]);
      const a = await cli([...args, "--noise", at("ddpm.safetensors"), "--out-dir", at("ddpm")]);
      expect(a.code, a.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(at("ddpm/summary.json"), "utf8"));
      expect(summary.settings).toMatchObject({ sampler: "ddpm", steps: 400 });
      expect(summary.sets[0].timing.imageForwards).toBe(400);
      const b = await cli([
        ...args,
        "--noise",
        at("ddpm-neg.safetensors"),
        "--out-dir",
        at("ddpm-neg"),
      ]);
      expect(b.code, b.stderr).toBe(0);
      const xa = readSamples(at("ddpm")).tensors.get("x0")?.data ?? [];
      const xb = readSamples(at("ddpm-neg")).tensors.get("x0")?.data ?? [];
      expect(Array.from(xa)).not.toEqual(Array.from(xb));
    },
    120_000,
  );
});
